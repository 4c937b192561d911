/**
 * The options of the global ValidationPipe: every HTTP body is validated into its DTO at the edge and
 * unknown fields are refused. Kept apart so the body fuzz spec validates exactly as the pipe does.
 */
export const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, transform: true } as const;
