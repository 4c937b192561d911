import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { BadInputError } from '@rescue/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AUDIT_MAX_LIMIT, AuditRepository, type AuditRecord } from '@rescue/persistence';
import { type ApiCaller, auditActor, Caller, OnlyRoles } from '../security/access.decorators';

const DEFAULT_LIMIT = 100;
const FILTER = /^[\x21-\x7e]{1,200}$/;

@ApiTags('operations')
// Separation of duties (等保 三员): the audit administrator reads the trail, administrators do not.
@OnlyRoles('auditor')
@Controller('audit')
export class AuditController {
  constructor(@Inject(AuditRepository) private readonly audit: AuditRepository) {}

  @Get()
  @ApiOperation({ summary: 'The append-only audit trail (auditor only, not admin): who did what, when; the latest records, oldest first' })
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

  @Get('export')
  @ApiOperation({ summary: 'The trail between two times as CSV for an assessor (auditor only; id, at, actor, action, subject, detail JSON); the export itself is recorded' })
  @ApiQuery({ name: 'from', required: true, description: 'ISO 8601, inclusive', example: '2026-06-01T00:00:00Z' })
  @ApiQuery({ name: 'to', required: true, description: 'ISO 8601, exclusive', example: '2026-12-01T00:00:00Z' })
  async export(@Query('from') fromQ: unknown, @Query('to') toQ: unknown, @Caller() caller: ApiCaller, @Res() res: Response): Promise<void> {
    const from = instant('from', fromQ);
    const to = instant('to', toQ);
    if (to <= from) throw new BadInputError('`to` must be after `from`');
    await this.audit.append({ actor: auditActor(caller), action: 'audit.export', subject: 'audit_log', detail: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${new Date(from).toISOString().slice(0, 10)}-${new Date(to).toISOString().slice(0, 10)}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    // UTF-8 BOM: Excel, which assessors open it with, then reads the Chinese correctly
    res.write('\ufeffid,at,actor,action,subject,detail\n');
    // in pages, so a year of records never sits in memory at once
    for (let after = 0; ;) {
      const page = await this.audit.range(from, to, after, 5000);
      if (page.length === 0) break;
      const text = page.map((r) => [String(r.id), new Date(r.at).toISOString(), r.actor, r.action, r.subject, JSON.stringify(r.detail)].map(csvField).join(',')).join('\n') + '\n';
      if (!res.write(text)) await new Promise((r) => res.once('drain', r));
      after = page[page.length - 1]!.id;
    }
    res.end();
  }
}

function instant(name: string, raw: unknown): number {
  const t = typeof raw === 'string' && raw.length <= 40 ? Date.parse(raw) : NaN;
  if (!Number.isFinite(t)) throw new BadInputError(`\`${name}\`: an ISO 8601 time, e.g. 2026-06-01T00:00:00Z`);
  return t;
}

/** RFC 4180, and a leading = + - @ neutralised so a spreadsheet never runs a field as a formula. */
function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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
