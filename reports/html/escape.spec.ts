import { expect, test } from '@playwright/test';
import { escapeHtml, jsonForScript } from './escape.ts';

test('escapeHtml neutralises tags, entities and both quotes', () => {
  expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
  );
});

test('jsonForScript cannot close its script element, and round-trips exactly', () => {
  const hostile = { line: '</script><script>alert(1)</script><!-- \u2028 & >' };
  const text = jsonForScript(hostile);
  expect(text).not.toMatch(/[<>&\u2028\u2029]/);
  expect(JSON.parse(text)).toEqual(hostile);
});
