import { type Limits, SgciError } from '../../core/index.ts';

export interface ImageDeadline {
  /** Aborts with LIMIT_EXCEEDED naming the image when the deadline passes, or with the parent's reason. */
  readonly signal: AbortSignal;
  /** Stops the clock: the image was read, or has failed. */
  clear(): void;
}

/**
 * The overall bound on reading one image (`imageDeadlineMs`), beside the idle timeout of each request:
 * every registry request, blob stream and the layer pass follow the signal, so a source that dribbles
 * bytes just fast enough never to be idle still ends, in one line naming the image.
 */
export function startImageDeadline(input: string, limits: Limits, parent?: AbortSignal): ImageDeadline {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const seconds = limits.imageDeadlineMs / 1000;
  const timer = setTimeout(() => {
    controller.abort(
      new SgciError('LIMIT_EXCEEDED', input, `image not read within its deadline of ${seconds} s (imageDeadlineMs)`),
    );
  }, limits.imageDeadlineMs);
  // A finished image must not keep the process alive until its deadline.
  timer.unref();
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
