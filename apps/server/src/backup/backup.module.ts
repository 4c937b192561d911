import { Module } from '@nestjs/common';
import { BackupController } from './backup.controller';

/** GET /admin/backup (embedded database). */
@Module({ controllers: [BackupController] })
export class BackupModule {}
