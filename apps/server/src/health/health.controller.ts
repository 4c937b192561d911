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
  @ApiServiceUnavailableResponse({
    description:
      'Database or broker unreachable; the body says which. status "degraded" (503) while the database is down but ingest spools ' +
      'fixes to disk and keeps acknowledging them, "degraded" (200) while the spool replays, "down" when fixes are not being accepted',
  })
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
    res.status(database.ok && broker.ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    // Degraded, not down, while no fix is refused: the database is away but the spool takes batches
    // durably, or it is back and the spool still replays into it.
    const acceptingFixes = broker.ok && (database.ok || ingest.durableWithoutDatabase);
    const status = !acceptingFixes ? 'down' : !database.ok || ingest.spooledBatches > 0 ? 'degraded' : 'ok';
    return {
      status,
      database: { ...database, ...this.storage },
      broker,
      ingest: { acceptingFixes, spooledBatches: ingest.spooledBatches, spooledBytes: ingest.spooledBytes },
    };
  }
}
