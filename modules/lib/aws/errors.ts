// AWS errors as one line: what no task can fix (credentials, region, network) is an SdtdError('aws'), the rest TaskFailure.
import { SdtdError } from '../../../engine/errors.js';
import { TaskFailure } from '../../../engine/module.js';

/** The error code of an SDK error: EC2's code for service errors, else the error's name or errno code. */
export function errorCode(e: unknown): string {
  const x = e as { name?: string; code?: string; Code?: string };
  return x?.Code ?? (x?.name && x.name !== 'Error' ? x.name : (x?.code ?? 'Error'));
}

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'Unavailable',
  'InternalError',
]);
export const isThrottling = (e: unknown) => THROTTLING.has(errorCode(e));
export const isNotFound = (e: unknown) => /\.NotFound$/.test(errorCode(e));

const AUTH = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'SignatureDoesNotMatch',
  'OptInRequired',
  'UnrecognizedClientException',
]);
const NETWORK = /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|TimeoutError|RequestTimeout)/;

function firstLine(msg: unknown): string {
  // UnauthorizedOperation carries a long encoded blob only `aws sts decode-authorization-message` reads
  return String(msg ?? '')
    .split('\n')[0]
    .replace(/\s*Encoded authorization failure message:.*$/, '')
    .trim();
}

/** An SDK error as one line: SdtdError('aws') for what no task can fix (credentials, region, network), else TaskFailure. */
export function awsFailure(e: unknown, op: string, ec2?: { region: string; profile: string }): Error {
  if (e instanceof SdtdError || e instanceof TaskFailure) return e;
  const code = errorCode(e);
  const msg = firstLine((e as Error)?.message);
  const profile = ec2?.profile ?? process.env.AWS_PROFILE ?? 'default';
  // an expired SSO session comes as a credentials error too: its own advice first
  if (code === 'TokenProviderError' || /\bSSO\b/.test(msg))
    return new SdtdError(
      'aws',
      `expected a valid SSO session for profile "${profile}" (got ${msg || code}; run: aws sso login --profile ${profile})`,
    );
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(msg)) {
    const got = /Could not load credentials from any providers/i.test(msg) || !msg ? 'none' : msg;
    return new SdtdError(
      'aws',
      `expected AWS credentials from AWS_ACCESS_KEY_ID, profile "${profile}" in ~/.aws (keys, SSO or credential_process) or an instance role (got ${got})`,
    );
  }
  if (AUTH.has(code))
    return new SdtdError(
      'aws',
      `expected AWS credentials EC2 accepts for ${op} in ${ec2?.region ?? 'the region'} (got ${code}: ${msg})`,
    );
  if (NETWORK.test(code) || NETWORK.test(msg))
    return new SdtdError(
      'aws',
      `expected to reach EC2 in ${ec2?.region ?? 'the region'} (got ${code}${msg && msg !== code ? `: ${msg}` : ''})`,
    );
  return new TaskFailure(`expected EC2 ${op} to succeed (got ${code}: ${msg})`, { aws_error_code: code });
}
