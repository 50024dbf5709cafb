// Public surface of engine/identity: passwords, tokens, API keys and login throttling.
export {
  DEFAULT_SCRYPT_PARAMS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  checkPasswordPolicy,
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './password.js';
export type { PasswordPolicyCode, PasswordPolicyViolation, ScryptParams } from './password.js';
export {
  MIN_SECRET_LENGTH,
  createApiKey,
  createRefreshToken,
  hashToken,
  parseApiKey,
  signAccessToken,
  tokenMatchesHash,
  verifyAccessToken,
  verifyApiKey,
} from './tokens.js';
export type { AccessClaims, AccessTokenError, AccessTokenErrorCode, AccessTokenInput, NewApiKey, VerifyAccessResult } from './tokens.js';
