import { Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type ApiCaller, auditActor, Caller, Roles } from '../security/access.decorators';
import { CredentialsError, CredentialsService, type CredentialSummary, type IssuedCredentials } from './credentials.service';

/** MQTT credentials of units (issue #8): provision/rotate, revoke, list. Passwords are shown once. */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/units')
export class CredentialsController {
  constructor(@Inject(CredentialsService) private readonly creds: CredentialsService) {}

  @Get('credentials')
  @ApiOperation({ summary: 'Units with MQTT credentials: id, created, revoked (never the hash)' })
  async list(): Promise<{ credentials: CredentialSummary[] }> {
    return { credentials: await this.creds.list() };
  }

  @Post(':id/credentials')
  @HttpCode(201)
  @ApiOperation({ summary: 'Provision (or rotate) a unit\'s MQTT credentials; creates the unit if missing. The password is returned this once.' })
  @ApiParam({ name: 'id', description: 'unit id, ^[A-Za-z0-9_-]{1,64}$; it is also the MQTT username' })
  @ApiOkResponse({ description: '{unitId, username, password, rotated, unitCreated}' })
  async provision(@Param('id') id: string, @Caller() caller: ApiCaller): Promise<IssuedCredentials> {
    return this.creds.provision(id, auditActor(caller));
  }

  @Delete(':id/credentials')
  @ApiOperation({ summary: 'Revoke a unit\'s MQTT credentials; its live connections are closed at once' })
  async revoke(@Param('id') id: string, @Caller() caller: ApiCaller): Promise<{ unitId: string; revoked: true }> {
    const done = await this.creds.revoke(id, auditActor(caller));
    if (!done) throw new CredentialsError('NOT_PROVISIONED', `unit ${id} has no active credentials`);
    return { unitId: id, revoked: true };
  }
}
