export {
  IP_TOKEN_PREFIX,
  IpTokenError,
  decryptIpToken,
  sealIpToken,
  type DecryptOptions,
  type DecryptedIpToken,
  type IpTokenErrorCode,
  type IpTokenKey,
  type IpTokenPayload,
  type SealOptions,
} from './ip-token.js';
