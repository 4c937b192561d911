import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DomainErrorFilter } from './domain-error.filter';

/**
 * Registers DomainErrorFilter globally. Imported by every feature module that answers HTTP, so a
 * module booted alone (the routing and coverage test servers) maps errors the same way; Nest builds
 * the module once however often it is imported.
 */
@Module({ providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }] })
export class ErrorsModule {}
