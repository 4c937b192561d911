import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { StorageInfo } from '@rescue/persistence';
import { BROKER, BrokerEndpoint } from '../broker/broker.module';
import { STORAGE_INFO } from '../database/database.module';
import { IngestWorker } from '../ingest/ingest-worker';
import { Public } from '../security/access.decorators';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    private readonly worker: IngestWorker,
    @Inject(STORAGE_INFO) private readonly storage: StorageInfo,
    @Inject(BROKER) private readonly broker: BrokerEndpoint,
  ) {}

  // Probes carry no credentials; the body names no person, unit or task.
  @Public()
  @Get()
  @ApiOkResponse({ description: 'Database and broker reachable' })
  @ApiServiceUnavailableResponse({ description: 'Database or broker down; the body says which (status "down"); "degraded" (200) while fixes wait in the spool' })
  async health(@Res({ passthrough: true }) res: Response) {
    let database: { ok: boolean; error?: string };
    try {
      await this.ds.query('SELECT 1');
      database = { ok: true };
    } catch (err) {
      database = { ok: false, error: (err as Error).message };
    }
    const ingest = this.worker.state;
    const broker = { ok: ingest.connected, embedded: this.broker.embedded !== null };
    const ok = database.ok && broker.ok;
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    // Degraded but serving: fixes wait in the spool (durable) until the database takes them.
    const status = !ok ? 'down' : ingest.spooledBatches > 0 ? 'degraded' : 'ok';
    return { status, database: { ...database, ...this.storage }, broker, ingest: { spooledBatches: ingest.spooledBatches, spooledBytes: ingest.spooledBytes } };
  }
}
