import { expect, test } from '@playwright/test';
import { verdictOf } from './cell-result.ts';

test('the expected outcome is a pass', () => expect(verdictOf('NOT_PLACED', 'NOT_PLACED')).toBe('pass'));
test('another outcome is a deviation', () => expect(verdictOf('TASK_ROLE', 'INSTANCE_ROLE_DENIED')).toBe('fail'));
test('INFRA_ERROR is never a verdict', () => expect(verdictOf('TASK_ROLE', 'INFRA_ERROR')).toBe('infra'));
test('TIMEOUT is never a verdict, even when expected', () => expect(verdictOf('TIMEOUT', 'TIMEOUT')).toBe('infra'));
