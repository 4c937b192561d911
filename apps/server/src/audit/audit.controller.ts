import { Controller, Get, Inject, Query } from '@nestjs/common';
import { BadInputError } from '@rescue/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AUDIT_MAX_LIMIT, AuditRepository, type AuditRecord } from '@rescue/persistence';
import { Roles } from '../security/access.decorators';

const DEFAULT_LIMIT = 100;
const FILTER = /^[\x21-\x7e]{1,200}$/;

@ApiTags('operations')
@Roles('admin')
@Controller('audit')
export class AuditController {
  constructor(@Inject(AuditRepository) private readonly audit: AuditRepository) {}

  @Get()
  @ApiOperation({ summary: 'The append-only audit trail (admin): who did what, when; the latest records, oldest first' })
  @ApiQuery({ name: 'subject', required: false, description: 'e.g. task:T-…, unit:AMB-01', example: 'unit:AMB-01' })
  @ApiQuery({ name: 'actor', required: false, description: 'key:<api key name>, unit:<id> or system:<part>', example: 'key:admin' })
  @ApiQuery({ name: 'before', required: false, description: 'Only records with a smaller id (page back)' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${AUDIT_MAX_LIMIT}, default ${DEFAULT_LIMIT}` })
  @ApiOkResponse({ description: '{records: [{id, at, actor, action, subject, detail}]}' })
  async list(
    @Query('subject') subject: unknown, @Query('actor') actor: unknown, @Query('before') before: unknown, @Query('limit') limit: unknown,
  ): Promise<{ records: Array<Omit<AuditRecord, 'at'> & { at: string }> }> {
    const records = await this.audit.list({
      subject: filter('subject', subject), actor: filter('actor', actor), beforeId: integer('before', before, null, 1, Number.MAX_SAFE_INTEGER),
      limit: integer('limit', limit, DEFAULT_LIMIT, 1, AUDIT_MAX_LIMIT)!,
    });
    return { records: records.map((r) => ({ ...r, at: new Date(r.at).toISOString() })) };
  }
}

function filter(name: string, raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !FILTER.test(raw)) throw new BadInputError(`\`${name}\`: 1-200 printable characters without spaces`);
  return raw;
}

function integer(name: string, raw: unknown, def: number | null, min: number, max: number): number | null {
  if (raw === undefined || raw === '') return def;
  const v = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new BadInputError(`\`${name}\`: an integer in [${min}, ${max}]`);
  return v;
}
