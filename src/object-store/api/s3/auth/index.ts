// The S3 front end's view of request authentication and body integrity: SigV4 verification, the
// aws-chunked decoder and the x-amz-checksum-* algorithms. Framework-free; the S3 plugin wires them in.
export {
  assertPayloadSha256,
  parseSigV4Request,
  verifyParsedSigV4,
  verifySigV4,
  DEFAULT_MAX_SKEW_SECONDS,
  type ParsedSigV4Request,
  type PayloadMode,
  type RequestHeaders,
  type SigV4RequestInput,
  type VerifiedSigV4,
} from './sigv4.js';
export {
  parseAuthorizationHeader,
  parsePresignedQuery,
  MAX_PRESIGN_EXPIRES_SECONDS,
  type AuthorizationHeader,
  type CredentialScope,
  type PresignedQuery,
} from './sigv4-parse.js';
export { SigningKeyCache } from './signing-key.js';
export {
  AwsChunkedDecoder,
  awsChunkedOptionsFor,
  hasAwsChunkedEncoding,
  stripAwsChunkedEncoding,
  DEFAULT_MAX_CHUNK_BYTES,
  type AwsChunkedDecoderOptions,
  type ChunkSigning,
  type StreamingPayloadMode,
} from './aws-chunked.js';
export {
  assertChecksumMatches,
  checksumAlgorithmFromHeaderName,
  checksumHeaderName,
  createChecksum,
  isWellFormedChecksum,
  parseChecksumAlgorithm,
  CHECKSUM_ALGORITHMS,
  type Checksum,
  type ChecksumAlgorithm,
} from './checksums.js';
export {
  S3AuthError,
  isS3AuthError,
  S3_AUTH_ERROR_CODES,
  S3_AUTH_ERROR_STATUS,
  type S3AuthErrorCode,
} from './s3-auth-error.js';
