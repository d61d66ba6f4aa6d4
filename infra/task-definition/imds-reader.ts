/**
 * `process: imds-metadata-reader`: before its AWS calls, the task's PID 1 reads its own metadata from IMDS
 * as the X-Ray daemon and the CloudWatch agent do (aws-sdk-go v1's ec2metadata client): a session token
 * (PUT /latest/api/token), then the region and the instance id with it; when the token request fails or
 * times out it asks without one (the client's IMDSv1 fallback). Each request waits 1 s (that client's
 * timeout). It prints one line, `imds-metadata: {json}` (core/results/imds-metadata.ts reads it), and
 * never the token. Python for the CLI images, node for the SDK images.
 */
import { IMDS_METADATA_MARK } from '../../core/results/imds-metadata.ts';

const PYTHON = `import json, socket, urllib.request, urllib.error
BASE = 'http://169.254.169.254/latest/'
def ask(method, path, headers):
    request = urllib.request.Request(BASE + path, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=1) as response:
        return response.read().decode().strip()
def why(error):
    if isinstance(error, urllib.error.HTTPError):
        return 'HTTP %d' % error.code
    reason = getattr(error, 'reason', error)
    if isinstance(reason, (socket.timeout, TimeoutError)) or 'timed out' in str(reason):
        return 'timed out'
    return 'unreachable: %s' % reason
out, headers = {}, {}
try:
    headers = {'X-aws-ec2-metadata-token': ask('PUT', 'api/token', {'X-aws-ec2-metadata-token-ttl-seconds': '21600'})}
    out['tokenRequest'] = 'obtained'
except Exception as error:
    out['tokenRequest'] = why(error)
for key, path in (('region', 'meta-data/placement/region'), ('instanceId', 'meta-data/instance-id')):
    try:
        out[key] = ask('GET', path, headers)
    except Exception as error:
        out['error'] = '%s: %s' % (path, why(error))
        break
print(${JSON.stringify(IMDS_METADATA_MARK)} + json.dumps(out))`;

const NODE = `const base = 'http://169.254.169.254/latest/';
const ask = async (method, path, headers) => {
  const response = await fetch(base + path, { method, headers, signal: AbortSignal.timeout(1000) });
  if (!response.ok) throw Object.assign(new Error('HTTP ' + response.status), { http: true });
  return (await response.text()).trim();
};
const why = (e) => (e.http ? e.message : e.name === 'TimeoutError' ? 'timed out' : 'unreachable: ' + (e.cause?.code ?? e.message));
(async () => {
  const out = {};
  let headers = {};
  try {
    headers = { 'X-aws-ec2-metadata-token': await ask('PUT', 'api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '21600' }) };
    out.tokenRequest = 'obtained';
  } catch (e) { out.tokenRequest = why(e); }
  for (const [key, path] of [['region', 'meta-data/placement/region'], ['instanceId', 'meta-data/instance-id']]) {
    try { out[key] = await ask('GET', path, headers); } catch (e) { out.error = path + ': ' + why(e); break; }
  }
  console.log(${JSON.stringify(IMDS_METADATA_MARK)} + JSON.stringify(out));
})();`;

/** The reader's program per interpreter; client-container.ts runs it as a step of PID 1's shell. */
export const IMDS_READER_SOURCE = { python: PYTHON, node: NODE } as const;
