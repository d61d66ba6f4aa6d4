/** What a service-manager command prints and returns (shims pass it through to the caller). */
export interface ServiceResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const ok = (stdout = ''): ServiceResult => ({ exitCode: 0, stdout, stderr: '' });
export const fail = (exitCode: number, stderr: string, stdout = ''): ServiceResult => ({ exitCode, stdout, stderr });
