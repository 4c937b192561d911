import { ConflictException, Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@rescue/config';
import { AuditRepository, dumpEmbeddedDatabase } from '@rescue/persistence';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { type ApiCaller, auditActor, Caller, Roles } from '../security/access.decorators';

/**
 * GET /admin/backup: the embedded database as a gzipped tarball, taken by this process (which holds
 * PGlite) while ingest runs; `npm run backup` calls it. With DATABASE_URL use pg_dump (the same CLI does).
 */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/backup')
export class BackupController {
  private running = false;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(ROOT_LOGGER) private readonly root: Logger,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Embedded database backup (application/gzip); ingest waits while it is taken, nothing is lost. 409 with DATABASE_URL (use pg_dump)' })
  async backup(@Caller() caller: ApiCaller, @Res() res: Response): Promise<void> {
    if (this.cfg.databaseUrl) throw new ConflictException({ code: 'USE_PG_DUMP', message: 'the database is PostgreSQL: back it up with `npm run backup` (pg_dump) on DATABASE_URL' });
    if (this.running) throw new ConflictException({ code: 'BACKUP_RUNNING', message: 'a backup is being taken; try again when it is done' });
    this.running = true;
    try {
      const started = Date.now();
      await this.audit.append({ actor: auditActor(caller), action: 'backup.create', subject: 'database:embedded' });
      const tar = await dumpEmbeddedDatabase(this.ds);
      this.root.child({ module: 'backup' }).info({ bytes: tar.length, ms: Date.now() - started }, 'embedded database backup taken');
      res.setHeader('Content-Type', 'application/gzip');
      res.setHeader('Content-Disposition', `attachment; filename="rescue-circle-${new Date(started).toISOString().replace(/[:.]/g, '-')}.tar.gz"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(tar);
    } finally {
      this.running = false;
    }
  }
}
