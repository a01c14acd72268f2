// The pages whose URL holds their whole state (/learn, lesson 3) write it back as it changes.
import { replaceState } from '$app/navigation';
import { page } from '$app/state';
import { isProjector, withProjector } from './learn/projector';

/**
 * Keep the address bar on `href()`, with projector mode as the last navigation set it. Call
 * during component setup. Syncing to an external system is what `$effect` is for; it is
 * debounced because browsers throttle replaceState.
 */
export function syncAddressBar(href: () => string, delayMs = 300): void {
  $effect(() => {
    const url = withProjector(new URL(href(), location.href), isProjector(page.url));
    const t = setTimeout(() => {
      try {
        replaceState(url, page.state);
      } catch {
        /* router not ready yet: the next change writes it */
      }
    }, delayMs);
    return () => clearTimeout(t);
  });
}
