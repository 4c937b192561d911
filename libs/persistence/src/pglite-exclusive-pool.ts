import { PGlitePool } from 'typeorm-pglite/dist/pglite-pool';

type ConnectCallback = Parameters<PGlitePool['connect']>[0];

/**
 * PGlite is one backend session. typeorm-pglite hands every query runner that same session at once,
 * so two TypeORM transactions interleave in one transaction: a failing statement in one aborts the
 * other, whose COMMIT then silently rolls back (data loss), and an ordinary query lands inside a
 * stranger's transaction. This pool gives the session to one query runner at a time, from connect
 * until release, which is what a real connection pool of size one would do.
 * Inside a transaction, use its EntityManager: a second query runner would wait for the first forever.
 */
export class ExclusivePGlitePool extends PGlitePool {
  private static tail: Promise<void> = Promise.resolve();

  override connect(callback: ConnectCallback): Promise<void> {
    const previous = ExclusivePGlitePool.tail;
    let unlock!: () => void;
    ExclusivePGlitePool.tail = new Promise<void>((r) => (unlock = r));
    return previous.then(() =>
      super.connect((err, client) => {
        let released = false;
        const release = () => {
          if (!released) {
            released = true;
            unlock();
          }
        };
        if (err) release();
        callback(err, client, release);
      }),
    );
  }
}
