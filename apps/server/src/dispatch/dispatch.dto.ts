import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { UNIT_STATUSES, UnitStatus } from '@rescue/contracts';

const CAPABILITY = /^[a-z][a-z0-9-]{0,39}$/;

export class LocationDto {
  @ApiProperty({ example: 42.5078, description: 'latitude, decimal degrees' })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-90) @Max(90)
  lat!: number;

  @ApiProperty({ example: 1.5211, description: 'longitude, decimal degrees' })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-180) @Max(180)
  lon!: number;

  @ApiPropertyOptional({ enum: ['WGS84', 'GCJ02', 'BD09'], default: 'WGS84', description: 'GCJ02 for points from AMap/Tencent geocoding, BD09 for Baidu' })
  @IsOptional() @IsIn(['WGS84', 'GCJ02', 'BD09'])
  crs?: 'WGS84' | 'GCJ02' | 'BD09';
}

export class RecommendationRequestDto {
  @ApiProperty({ type: LocationDto })
  @IsObject() @ValidateNested() @Type(() => LocationDto)
  location!: LocationDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 4, default: 2, description: '1 most urgent (危重) … 4 least' })
  @IsOptional() @IsInt() @Min(1) @Max(4)
  priority?: 1 | 2 | 3 | 4;

  @ApiPropertyOptional({ type: [String], example: ['als'], description: 'capabilities every candidate must have, e.g. als, negative-pressure' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @Matches(CAPABILITY, { each: true })
  requiredCapabilities?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 5 })
  @IsOptional() @IsInt() @Min(1) @Max(50)
  limit?: number;
}

export class CreateTaskDto {
  @ApiPropertyOptional({ example: 'AMB-01', description: 'unit to assign; omit to record a request no unit could serve' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  unitId?: string;

  @ApiProperty({ type: LocationDto })
  @IsObject() @ValidateNested() @Type(() => LocationDto)
  location!: LocationDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 4, default: 2 })
  @IsOptional() @IsInt() @Min(1) @Max(4)
  priority?: 1 | 2 | 3 | 4;

  @ApiPropertyOptional({ default: true, description: 'a real emergency (counts toward the 3-minute departure rate)' })
  @IsOptional() @IsBoolean()
  emergency?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @Matches(CAPABILITY, { each: true })
  requiredCapabilities?: string[];

  @ApiPropertyOptional({ description: 'when the call was taken (受理), ISO 8601; default now' })
  @IsOptional() @IsISO8601({ strict: true })
  callTakenAt?: string;
}

export class TaskEventDto {
  @ApiProperty({ enum: UNIT_STATUSES, example: 'en_route' })
  @IsIn(UNIT_STATUSES as unknown as string[])
  status!: UnitStatus;

  @ApiPropertyOptional({ description: 'time of the transition, ISO 8601; default now' })
  @IsOptional() @IsISO8601({ strict: true })
  ts?: string;

  @ApiPropertyOptional({ description: 'why (required for aborted: cancellation or abort reason)', maxLength: 500 })
  @IsOptional() @IsString() @MaxLength(500)
  reason?: string;
}
