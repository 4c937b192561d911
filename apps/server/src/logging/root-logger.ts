import pino, { Logger } from 'pino';

/** One structured logger for the process; plain classes get children of it, Nest gets it via nestjs-pino. */
export function createRootLogger(level: string): Logger {
  return pino({ level, base: { app: 'rescue-circle' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
