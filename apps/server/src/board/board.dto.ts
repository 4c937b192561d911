import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { HOSPITAL_CAPABILITIES } from '@rescue/registry';
import { LocationDto } from '../dispatch/dispatch.dto';

const CAPABILITY = /^[a-z][a-z0-9-]{0,39}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class CreateCallDto {
  @ApiProperty({ type: LocationDto, description: 'where the patient is, in WGS84, GCJ02 (Amap, Tencent) or BD09 (Baidu) as the caller or map gave it' })
  @IsObject() @ValidateNested() @Type(() => LocationDto)
  location!: LocationDto;

  @ApiPropertyOptional({ maxLength: 300, example: '海淀区中关村大街 27 号' })
  @IsOptional() @IsString() @MaxLength(300)
  address?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 4, default: 2, description: '病情就急: 1 most urgent (危重) … 4 least' })
  @IsOptional() @IsInt() @Min(1) @Max(4)
  priority?: 1 | 2 | 3 | 4;

  @ApiPropertyOptional({ maxLength: 500, example: '胸痛 30 分钟' })
  @IsOptional() @IsString() @MaxLength(500)
  chiefComplaint?: string;

  @ApiPropertyOptional({ type: [String], example: ['als'], description: 'unit capabilities the patient needs' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @Matches(CAPABILITY, { each: true })
  requiredCapabilities?: string[];

  @ApiPropertyOptional({ description: 'when the call was answered (受理), ISO 8601; default now' })
  @IsOptional() @IsISO8601({ strict: true })
  answeredAt?: string;

  @ApiPropertyOptional({ description: 'when the phone rang (振铃), ISO 8601; not after answeredAt' })
  @IsOptional() @IsISO8601({ strict: true })
  ringAt?: string;
}

export class CallTaskDto {
  @ApiProperty({ example: 'AMB-01' })
  @IsString() @Matches(ID)
  unitId!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  emergency?: boolean;
}

export class CloseCallDto {
  @ApiProperty({ minLength: 1, maxLength: 500, example: '无车可派' })
  @IsString() @MinLength(1) @MaxLength(500)
  reason!: string;
}

export class ChooseHospitalDto {
  @ApiProperty({ example: 'H-NSM' })
  @IsString() @Matches(ID)
  hospitalId!: string;
}

export class HospitalAccessDto {
  @ApiProperty({ example: 'H-NSM', description: 'the hospital this API key or account speaks for' })
  @IsString() @Matches(ID)
  hospitalId!: string;
}

export const HOSPITAL_CAPABILITY_CODES = Object.keys(HOSPITAL_CAPABILITIES);

export class HospitalQueryDto {
  @ApiProperty({ example: 42.5078 })
  @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-90) @Max(90)
  lat!: number;

  @ApiProperty({ example: 1.5211 })
  @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-180) @Max(180)
  lon!: number;

  @ApiPropertyOptional({ enum: ['WGS84', 'GCJ02', 'BD09'], default: 'WGS84' })
  @IsOptional() @IsIn(['WGS84', 'GCJ02', 'BD09'])
  crs?: 'WGS84' | 'GCJ02' | 'BD09';

  @ApiPropertyOptional({ description: `comma-separated centres every hospital must have: ${HOSPITAL_CAPABILITY_CODES.join(', ')}`, example: 'chest-pain' })
  @IsOptional() @IsString() @MaxLength(200)
  capabilities?: string;
}
