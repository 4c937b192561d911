import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A bounded on-disk queue of ingest batches for database outages. Each batch is one file, written to a
 * temporary name, fsynced and renamed, so a crash leaves either the whole batch or nothing; files are
 * replayed oldest first (the sequence number is in the name). A batch counts as durable once append()
 * has returned, which is what lets ingest acknowledge QoS1 messages while the database is down.
 */
export class BatchSpool<T> {
  private readonly files: Array<{ seq: number; name: string; bytes: number }> = [];
  private bytes = 0;
  private nextSeq = 1;

  constructor(private readonly dir: string, private readonly maxBytes: number) {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      const m = /^(\d{12})\.batch$/.exec(name);
      if (!m) {
        if (name.endsWith('.tmp')) unlinkSync(join(dir, name)); // a write the crash interrupted
        continue;
      }
      const bytes = statSync(join(dir, name)).size;
      this.files.push({ seq: Number(m[1]), name, bytes });
      this.bytes += bytes;
    }
    this.files.sort((a, b) => a.seq - b.seq);
    this.nextSeq = (this.files.at(-1)?.seq ?? 0) + 1;
  }

  get batches(): number {
    return this.files.length;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  get empty(): boolean {
    return this.files.length === 0;
  }

  /** Writes a batch durably; false (nothing written) when it would pass the size bound. */
  append(batch: T): boolean {
    const body = Buffer.from(JSON.stringify(batch));
    if (this.bytes + body.length > this.maxBytes) return false;
    const seq = this.nextSeq++;
    const name = `${String(seq).padStart(12, '0')}.batch`;
    const tmp = join(this.dir, `${name}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, name));
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd); // the rename itself must survive a power cut
    } finally {
      closeSync(dirFd);
    }
    this.files.push({ seq, name, bytes: body.length });
    this.bytes += body.length;
    return true;
  }

  /** The oldest batch, without removing it. */
  peek(): T | null {
    const f = this.files[0];
    return f ? (JSON.parse(readFileSync(join(this.dir, f.name), 'utf8')) as T) : null;
  }

  /** Removes the oldest batch once it is stored elsewhere. */
  shift(): void {
    const f = this.files.shift();
    if (!f) return;
    unlinkSync(join(this.dir, f.name));
    this.bytes -= f.bytes;
  }
}
