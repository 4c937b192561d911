import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EVENT_TYPES, SECRET_MAX, SECRET_MIN, WEBHOOK_URL_MAX } from '@rescue/webhooks';

const FILTERS = ['*', ...EVENT_TYPES];

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://platform.example.cn/120/events', description: 'http or https; no user:password in it' })
  @IsString() @MinLength(1) @MaxLength(WEBHOOK_URL_MAX)
  url!: string;

  @ApiProperty({ example: ['task.created', 'task.status_changed'], enum: FILTERS, isArray: true, description: 'event types to receive, or ["*"] for all' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(FILTERS.length) @IsIn(FILTERS, { each: true })
  events!: string[];

  @ApiProperty({ description: `${SECRET_MIN}-${SECRET_MAX} characters shared with the receiver: the key of the HMAC-SHA256 signature. Never shown again.` })
  @IsString() @MinLength(SECRET_MIN) @MaxLength(SECRET_MAX)
  secret!: string;

  @ApiPropertyOptional({ example: '市急救指挥平台', description: 'who receives (for the admin list)' })
  @IsOptional() @IsString() @MaxLength(200)
  description?: string;
}
