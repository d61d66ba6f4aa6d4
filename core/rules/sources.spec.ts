import { expect, test } from '@playwright/test';
import { linkSources, SOURCES } from './sources.ts';

test("a rule's source parts link to the documents they name", () => {
  expect(linkSources(`${SOURCES.agentCapability}; ${SOURCES.kbArticle}`)).toEqual([
    {
      text: 'aws/amazon-ecs-agent agent/app/agent_capability.go',
      url: 'https://github.com/aws/amazon-ecs-agent/blob/master/agent/app/agent_capability.go',
    },
    {
      text: 'agent/config/config.go',
      url: 'https://github.com/aws/amazon-ecs-agent/blob/master/agent/config/config.go',
    },
    { text: 'amazon-ecs-agent#1429, #1423', url: 'https://github.com/aws/amazon-ecs-agent/issues/1429' },
    { text: SOURCES.kbArticle, url: 'https://repost.aws/knowledge-center/ecs-iam-task-roles-config-errors' },
  ]);
  expect(linkSources('matrix file override')).toEqual([{ text: 'matrix file override' }]);
});

test('every link of every known source is https to a fixed host; hostile text links nowhere', () => {
  for (const source of Object.values(SOURCES)) {
    for (const part of linkSources(source)) {
      if (part.url)
        expect(part.url).toMatch(
          /^https:\/\/(github\.com\/aws\/|docs\.aws\.amazon\.com\/|docs\.docker\.com\/|repost\.aws\/|www\.npmjs\.com\/)/,
        );
    }
  }
  const hostile = linkSources(
    'aws/amazon-ecs-agent agent/"onmouseover=x.go; javascript:alert(1); amazon-ecs-agent#1/../../evil; agent/../../x.go',
  );
  expect(hostile.map((part) => part.url)).toEqual([
    undefined,
    undefined,
    'https://github.com/aws/amazon-ecs-agent/issues/1',
    undefined,
  ]);
});
