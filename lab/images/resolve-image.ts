/**
 * Image reference → lab image, or the pull error Docker would give (ECS reports it as the task's
 * stoppedReason with a `CannotPullContainerError: ` prefix).
 */
import { IMAGES, type ImageSpec } from './catalog.ts';

export type ImageResolution = { ok: true; image: ImageSpec; tag: string } | { ok: false; reason: string };

export function resolveImage(reference: string): ImageResolution {
  const withoutDigest = reference.split('@')[0] ?? '';
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const repository = (hasTag ? withoutDigest.slice(0, colon) : withoutDigest).replace(
    /^(docker\.io|index\.docker\.io)\//,
    '',
  );
  const tag = hasTag ? withoutDigest.slice(colon + 1) : 'latest';
  const image = IMAGES.find((candidate) => candidate.repositories.includes(repository));
  if (!image) {
    return {
      ok: false,
      reason: `CannotPullContainerError: Error response from daemon: pull access denied for ${repository}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
    };
  }
  if (!image.tags.includes(tag)) {
    return {
      ok: false,
      reason: `CannotPullContainerError: Error response from daemon: manifest for ${repository}:${tag} not found: manifest unknown: manifest unknown`,
    };
  }
  return { ok: true, image, tag };
}
