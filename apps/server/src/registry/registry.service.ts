import { Inject, Injectable } from '@nestjs/common';
import { type Readable, Transform } from 'node:stream';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DomainError } from '@rescue/common';
import type { AppConfig } from '@rescue/config';
import { importedTasksStore, RegistryRepository, registryStore } from '@rescue/persistence';
import { importRequest, importRegistry, importTasks, type RegistryKind, type RegistryRecord } from '@rescue/registry';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';

/** The uploaded file is over HTTP_MAX_IMPORT_BYTES (413). */
export class ImportTooLarge extends DomainError<'BODY_TOO_LARGE'> {
  constructor(message: string) {
    super('BODY_TOO_LARGE', message);
  }
}

/** A stream that fails once more than `max` bytes went through (the upload is never held whole). */
function capped(input: Readable, max: number): Readable {
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > max) done(new ImportTooLarge(`file larger than ${max} bytes (HTTP_MAX_IMPORT_BYTES)`));
      else done(null, chunk);
    },
  });
  input.on('error', (e) => t.destroy(e));
  return input.pipe(t);
}

@Injectable()
export class RegistryService {
  private readonly log: Logger;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'registry' });
  }

  list(kind: RegistryKind): Promise<RegistryRecord[]> {
    return new RegistryRepository(this.db).list(kind);
  }

  /** The same import path as `npm run import` with DATABASE_URL (libs/registry over libs/persistence). */
  async importStream(raw: Parameters<typeof importRequest>[0], body: Readable, actor: string, source: string): Promise<unknown> {
    const r = importRequest(raw);
    const input = capped(body, this.cfg.httpMaxImportBytes);
    const started = Date.now();
    const result = r.kind === 'tasks'
      ? await importTasks(importedTasksStore(this.db), input, { ...r, actor, source, onProgress: (rows) => this.log.debug({ rows }, 'task import progress') })
      : await importRegistry(registryStore(this.db), r.kind, input, { ...r, actor, source });
    const counts = Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v !== 'object'));
    this.log.info({ source, actor, ms: Date.now() - started, errors: result.errors.length, ...counts }, 'import');
    return result;
  }
}
