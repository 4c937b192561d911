import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '@rescue/security';

export class LoginDto {
  @ApiProperty({ example: 'zhang.wei' })
  @IsString() @MinLength(1) @MaxLength(64)
  username!: string;

  @ApiProperty()
  @IsString() @MinLength(1) @MaxLength(128)
  password!: string;

  @ApiPropertyOptional({ example: '123456', description: 'the 6-digit code of the authenticator app, for an account with the second factor on (without it such a login answers 401 TOTP_REQUIRED)' })
  @IsOptional() @IsString() @MaxLength(16)
  totp?: string;

  @ApiPropertyOptional({ description: 'true: the session token comes back in the body (scripts: send it as Authorization: Bearer) instead of as a cookie (the console)' })
  @IsOptional() @IsBoolean()
  bearer?: boolean;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString() @MinLength(1) @MaxLength(128)
  currentPassword!: string;

  @ApiProperty({ description: '10-128 characters, three of: lower case, upper case, digits, symbols; not containing the username' })
  @IsString() @MinLength(1) @MaxLength(128)
  newPassword!: string;
}

export class TotpConfirmDto {
  @ApiProperty({ example: '123456', description: 'the code the authenticator app shows for the secret just enrolled' })
  @IsString() @MinLength(1) @MaxLength(16)
  code!: string;
}

const CENTRE = /^[\p{L}\p{N} _.-]{1,64}$/u;

export class CreateUserDto {
  @ApiProperty({ example: 'zhang.wei', description: '2-64 of a-z 0-9 _ . @ -, starting with a letter or digit' })
  @IsString() @Matches(/^[a-z0-9][a-z0-9_.@-]{1,63}$/)
  username!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ example: '北京120', description: 'the centre this person works for' })
  @IsOptional() @IsString() @Matches(CENTRE)
  centre?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional() @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'true disables the account and ends its sessions' })
  @IsOptional() @IsBoolean()
  disabled?: boolean;
}
