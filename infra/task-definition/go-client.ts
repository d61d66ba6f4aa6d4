/**
 * The Go clients (aws-sdk-go v1 and aws-sdk-go-v2): their programs (fixtures/go-client/<client>/main.go), the
 * go.mod that pins the exact SDK releases Debian packages (golang-github-aws-aws-sdk-go-dev 1.44.133,
 * golang-github-aws-aws-sdk-go-v2-dev 1.17.1: the versions in its go_module_metadata.go files), and the
 * command that builds one in its task. On AWS the golang image compiles it there (modules from the Go
 * module proxy, checked against the checksum database); the lab's golang image serves the build the lab
 * made of the same main.go once per machine (lab/images/go-clients.ts). Both travel base64-encoded: the
 * task definition carries constants, never a value of the run.
 */
import { readFileSync } from 'node:fs';

export type GoClientId = 'sdk-go-v1' | 'sdk-go-v2';

/** Debian bookworm's Go (golang-go 1.19), from Amazon ECR Public's copy of the Docker official image. */
export const GOLANG_IMAGE = 'public.ecr.aws/docker/library/golang:1.19.13-bookworm';

/** Where the task builds and keeps the client: the image's root home, writable in every image. */
export const GO_CLIENT_DIR = '/root/ecs-taskrole-go';
export const GO_CLIENT_BINARY = `${GO_CLIENT_DIR}/client`;

const GO_MOD: Record<GoClientId, string> = {
  'sdk-go-v1': 'module ecs-taskrole/sdk-go-v1\n\ngo 1.19\n\nrequire github.com/aws/aws-sdk-go v1.44.133\n',
  'sdk-go-v2': [
    'module ecs-taskrole/sdk-go-v2',
    '',
    'go 1.19',
    '',
    'require (',
    '\tgithub.com/aws/aws-sdk-go-v2 v1.17.1',
    '\tgithub.com/aws/aws-sdk-go-v2/config v1.17.10',
    '\tgithub.com/aws/aws-sdk-go-v2/service/ecs v1.18.26',
    '\tgithub.com/aws/aws-sdk-go-v2/service/sts v1.17.1',
    ')',
    '',
  ].join('\n'),
};

/** The program's source, as the lab builds it and the task definition carries it. */
export function goClientSource(client: GoClientId): string {
  return readFileSync(new URL(`../../fixtures/go-client/${client}/main.go`, import.meta.url), 'utf8');
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * The install step: write go.mod and main.go, then `go build` (-mod=mod: go.sum is filled from the checksum
 * database as the modules are downloaded).
 */
export function goInstallCommand(client: GoClientId): string {
  return [
    `mkdir -p ${GO_CLIENT_DIR}`,
    `cd ${GO_CLIENT_DIR}`,
    `echo ${b64(GO_MOD[client])} | base64 -d > go.mod`,
    `echo ${b64(goClientSource(client))} | base64 -d > main.go`,
    `CGO_ENABLED=0 go build -mod=mod -o ${GO_CLIENT_BINARY} .`,
    'cd /root',
  ].join(' && ');
}
