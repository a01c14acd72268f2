// Following the newest frame, as Wireshark's auto-scroll: on until the learner selects a frame
// (or scrolls up); while it is off the lists stay where they are and count what arrived since.
// Shared by the packet list and the transcript, so switching tabs keeps it.
export class Follow {
  /** the lists keep the newest frame in view */
  on = $state(true);
  /** a selection stopped it: scrolling back to the bottom does not resume it, only `resume` does */
  bySelection = $state(false);
  /** the capture's newest seq when it stopped: frames past it are the new ones */
  sinceSeq = $state(0);

  /** Stop following; `lastSeq` is the newest frame the page holds now. */
  stop(lastSeq: number, bySelection: boolean): void {
    if (this.on) this.sinceSeq = lastSeq;
    this.on = false;
    this.bySelection = this.bySelection || bySelection;
  }

  resume(): void {
    this.on = true;
    this.bySelection = false;
  }

  /** A list was scrolled by hand: at the bottom it follows again, unless a selection stopped it. */
  scrolled(atBottom: boolean, lastSeq: number): void {
    if (this.bySelection) return;
    if (atBottom) this.resume();
    else this.stop(lastSeq, false);
  }
}
