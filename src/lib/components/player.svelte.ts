// Play/pause over a step cursor. The cursor itself lives with the page (so the URL, the
// keyboard and the buttons share it); the player only owns the timer and the speed.
export const SPEEDS = [0.5, 1, 2, 4, 8, 30] as const;

export interface PlayerHost {
  count(): number;
  get(): number;
  set(step: number): void;
}

export function createPlayer(host: PlayerHost) {
  let playing = $state(false);
  let speed = $state(1);
  let timer: ReturnType<typeof setInterval> | null = null;

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }
  function start() {
    stop();
    timer = setInterval(() => {
      const k = host.get();
      if (k >= host.count() - 1) pause();
      else host.set(k + 1);
    }, 1000 / speed);
  }
  function play() {
    if (host.get() >= host.count() - 1) host.set(0);
    playing = true;
    start();
  }
  function pause() {
    playing = false;
    stop();
  }
  return {
    get playing() {
      return playing;
    },
    get speed() {
      return speed;
    },
    play,
    pause,
    toggle() {
      if (playing) pause();
      else play();
    },
    setSpeed(s: number) {
      speed = s;
      if (playing) start();
    }
  };
}

export type Player = ReturnType<typeof createPlayer>;
