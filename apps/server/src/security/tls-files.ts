import { readFileSync } from 'node:fs';
import { ConfigError, type AppConfig } from '@rescue/config';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * TLS_CERT_FILE and TLS_KEY_FILE (PEM), read once before Nest: with them the API is HTTPS (and the
 * embedded broker adds an MQTTS listener). An unreadable file is a configuration error naming it.
 */
export function readTlsFiles(cfg: Pick<AppConfig, 'tlsCertFile' | 'tlsKeyFile'>): TlsFiles | null {
  if ((cfg.tlsCertFile === null) !== (cfg.tlsKeyFile === null)) throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE go together: set both (HTTPS) or neither');
  if (!cfg.tlsCertFile || !cfg.tlsKeyFile) return null;
  const read = (name: string, path: string): Buffer => {
    try {
      const b = readFileSync(path);
      if (!b.toString('latin1').includes('-----BEGIN ')) throw new Error('not a PEM file');
      return b;
    } catch (e) {
      throw new ConfigError(`${name} ${path}: ${(e as Error).message}`);
    }
  };
  return { cert: read('TLS_CERT_FILE', cfg.tlsCertFile), key: read('TLS_KEY_FILE', cfg.tlsKeyFile) };
}
