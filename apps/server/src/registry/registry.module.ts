import { Module } from '@nestjs/common';
import { RegistryController } from './registry.controller';
import { ReportController } from './report.controller';
import { RegistryService } from './registry.service';

/** Stations, units, hospitals and historical tasks: reading the registry and importing files. */
@Module({ controllers: [RegistryController, ReportController], providers: [RegistryService] })
export class RegistryModule {}
