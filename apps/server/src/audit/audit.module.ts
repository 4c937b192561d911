import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/** GET /audit; the AuditRepository itself comes from the (global) DatabaseModule so any module can append. */
@Module({ controllers: [AuditController] })
export class AuditModule {}
