import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { type ApiCaller, auditActor, Caller, Roles } from '../security/access.decorators';
import { Jt808Directory, Jt808DirectoryError } from './terminal-directory';

export class Jt808ProvisionDto {
  /** The terminal phone number as in its frame header (BCD digits; leading zeros do not matter). */
  @IsString()
  @Matches(/^\d{1,20}$/)
  phone!: string;
}

/** JT/T 808 terminals of units (issue 12): link a phone to a unit, revoke, list. */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/units')
export class Jt808Controller {
  constructor(@Inject(Jt808Directory) private readonly directory: Jt808Directory) {}

  @Get('jt808')
  @ApiOperation({ summary: 'JT/T 808 terminals: unit, phone, registered, created, revoked (never the code hash)' })
  async list(): Promise<{ terminals: Awaited<ReturnType<Jt808Directory['list']>> }> {
    return { terminals: await this.directory.list() };
  }

  @Put(':id/jt808')
  @ApiOperation({ summary: 'Link a JT/T 808 terminal phone to the unit (creating the unit if missing); the terminal then registers (0x0100) for its authentication code' })
  async provision(@Param('id') id: string, @Body() body: Jt808ProvisionDto, @Caller() caller: ApiCaller) {
    return this.directory.provision(id, body.phone, auditActor(caller));
  }

  @Delete(':id/jt808')
  @HttpCode(200)
  @ApiOperation({ summary: "Revoke the unit's JT/T 808 terminal; its connection is closed at once" })
  async revoke(@Param('id') id: string, @Caller() caller: ApiCaller): Promise<{ revoked: true }> {
    if (!(await this.directory.revoke(id, auditActor(caller)))) throw new Jt808DirectoryError('NOT_PROVISIONED', `unit ${id} has no active JT/T 808 terminal`);
    return { revoked: true };
  }
}
