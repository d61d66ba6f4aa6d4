import { expect, test } from '@playwright/test';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';
import { renderJunit } from './render-junit.ts';
import { escapeXml } from './xml-escape.ts';

const results = {
  ...syntheticResults({ cells: 1 }),
  cells: [
    cellWith({}),
    cellWith({ network: 'host' }, 'INSTANCE_ROLE_DENIED', { log: ['</system-out><x>', 'bell \u0007 here'] }),
    cellWith({ client: 'awscli-v1' }, 'INFRA_ERROR', { decidedBy: 'RunTask: ThrottlingException "quoted" & <tag>' }),
  ],
  errors: [{ where: 'setup › provision', message: 'CreateCluster failed' }],
};
const xml = renderJunit(results);

test('one testcase per cell, counts on the suites', () => {
  expect(xml.match(/<testcase /g)).toHaveLength(4);
  expect(xml).toContain('<testsuites name="ecs-taskrole-conformance" tests="3" failures="1" errors="1"');
  expect(xml).toMatch(/<testsuite name="default \(lab, us-west-2\)" tests="3" failures="1" errors="1" skipped="0"/);
  expect(xml).toContain('<testsuite name="run" tests="1" failures="0" errors="1"');
});

test('properties carry every dimension, both outcomes, rule and verdict', () => {
  const host = xml.slice(xml.indexOf('<testcase name="network=host"'));
  for (const property of [
    '<property name="dimension.ami" value="al2023-ecs"/>',
    '<property name="dimension.network" value="host"/>',
    '<property name="dimension.load" value="single"/>',
    '<property name="expected.outcome" value="TASK_ROLE"/>',
    '<property name="expected.rule" value="known-good"/>',
    '<property name="actual.outcome" value="INSTANCE_ROLE_DENIED"/>',
    '<property name="verdict" value="fail"/>',
  ]) {
    expect(host).toContain(property);
  }
});

test('a deviation is a <failure>, an infrastructure error an <error>, a pass neither', () => {
  const baseline = xml.slice(xml.indexOf('<testcase name="baseline"'), xml.indexOf('<testcase name="network=host"'));
  expect(baseline).not.toMatch(/<failure|<error/);
  expect(xml).toContain(
    '<failure message="expected TASK_ROLE, got INSTANCE_ROLE_DENIED: decided INSTANCE_ROLE_DENIED" type="INSTANCE_ROLE_DENIED">',
  );
  expect(xml).toContain(
    '<error message="INFRA_ERROR (no verdict): RunTask: ThrottlingException &quot;quoted&quot; &amp; &lt;tag&gt;" type="INFRA_ERROR">',
  );
});

test('log text is escaped and characters XML cannot carry are replaced', () => {
  expect(xml).toContain('<system-out>&lt;/system-out&gt;&lt;x&gt;\nbell \uFFFD here</system-out>');
  expect(escapeXml('a\u0000b\uD800c')).toBe('a\uFFFDb\uFFFDc');
});
