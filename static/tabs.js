// One runner among the tabs of this app: the tab holding the Web Lock runs the tasks; the
// others show them (through `storage` events) and send their actions over a BroadcastChannel.
// When the runner tab closes, the browser hands the lock to a waiting tab, which takes over.
const LOCK = "dataflow-tasks-runner";
const hold = () => new Promise(() => {}); // a lock is held until its callback's promise settles

/**
 * Resolve true if this tab became the runner now, false if another tab runs; in that case
 * onLead() is called later, when the lock passes to this tab. Without Web Locks, every tab runs.
 */
export function claim(onLead) {
  if (!navigator.locks?.request) {
    onLead();
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    navigator.locks.request(LOCK, { ifAvailable: true }, (lock) => {
      if (lock) {
        onLead();
        resolve(true);
        return hold();
      }
      resolve(false);
      navigator.locks.request(LOCK, () => { onLead(); return hold(); });
      return null;
    });
  });
}

/** A BroadcastChannel whose messages (JSON strings) go to onMessage. */
export function channel(name, onMessage) {
  const bus = new BroadcastChannel(name);
  bus.onmessage = (event) => onMessage(String(event.data));
  return bus;
}
