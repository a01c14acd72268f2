// The frames on screen as a JSON capture file (capture.ts CaptureFile): what the page offers for
// download when it shows a loaded file rather than the running demo.
import type { CapturedConnection, CapturedFrame, CaptureFile } from '$lib/protocol/capture';

export function captureJson(frames: CapturedFrame[], connections: Iterable<CapturedConnection>): string {
  const file: CaptureFile = { format: 'cbc-lab-capture', version: 1, connections: [...connections], frames };
  return JSON.stringify(file);
}

export function saveText(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
