// Builds one task row from the <template id="task-row"> in index.html: one clone instead of
// dozens of element calls from Python. User text (the file name) goes in as textContent and in
// attributes only. Returns the row's parts; Python fills and updates them.
const ACTIONS = ["pause", "resume", "cancel", "retry", "view", "derive", "download", "remove"];

export function makeRow(taskId, name) {
  const node = document.getElementById("task-row").content.firstElementChild.cloneNode(true);
  node.dataset.taskId = taskId;
  const part = (selector) => node.querySelector(selector);
  const title = part(".task-name");
  title.textContent = name;  // shown as dataflow.core.text.display_name makes it (bidi controls written out)
  title.title = name;
  title.dir = "auto";  // its own direction, isolated: a right-to-left name cannot reorder the row around it
  part(".bar").setAttribute("aria-label", `Progress of ${name}`);
  const buttons = {};
  for (const action of ACTIONS) {
    const button = part(`button[data-action="${action}"]`);
    button.setAttribute("aria-label", `${button.textContent} ${name}`);
    buttons[action] = button;
  }
  return {
    node, buttons, badge: part(".badge"), bar: part(".bar"), fill: part(".bar-fill"), percent: part(".percent"),
    message: part(".message"), elapsed: part(".elapsed"), remaining: part(".remaining"),
    attempt: part(".attempt"), retryIn: part(".retry-in"), errorBox: part(".task-error"),
    errorText: part(".error-message"), errorDetails: part(".error-details"),
    secretForm: part(".secret-form"), secretLabel: part(".secret-label"), secretInput: part(".secret-form input"),
    secretSubmit: part(".secret-submit"), name,
  };
}

const setText = (node, value) => { if (node.textContent !== value) node.textContent = value; };

/** Apply a row view computed in Python (dataflow.browser.row_view) in one call; text only. */
export function fillRow(row, view) {
  row.node.dataset.status = view.status;
  row.badge.dataset.status = view.status;
  for (const node of [row.node, row.badge]) {  // waiting for the user (a secret), not failed for good
    if (view.secret) node.dataset.waiting = "secret"; else delete node.dataset.waiting;
  }
  setText(row.badge, view.label);
  fillProgress(row, view.progress, view.percent, view.message, view.remaining);
  setText(row.elapsed, view.elapsed);
  setText(row.attempt, view.attempt);
  setText(row.retryIn, view.retry_in);
  setText(row.errorText, view.error);
  setText(row.errorDetails, view.error_details);
  row.errorBox.hidden = !view.error;
  fillSecret(row, view.secret, view.secret_placeholder, view.secret_submit);
  for (const [action, button] of Object.entries(row.buttons)) button.hidden = !view.actions.includes(action);
  fillDownloads(row, view.downloads);
  if (view.derive && row.buttons.derive.textContent !== view.derive) {  // another kind's action ("Enrich")
    row.buttons.derive.textContent = view.derive;
    row.buttons.derive.setAttribute("aria-label", `${view.derive} ${row.name}`);
  }
  row.node.hidden = view.hidden;
}

/** One button per result file after the first (which is the template's "Download"): built again
 * only when the labels change; `data-index` tells the click handler which file. */
function fillDownloads(row, labels) {
  const key = labels.join("\n");
  if (row.downloadLabels === key) return;
  row.downloadLabels = key;
  for (const extra of row.extraDownloads ?? []) extra.remove();
  row.extraDownloads = [];
  let after = row.buttons.download;
  labels.forEach((label, index) => {
    if (index === 0) return;
    const button = row.buttons.download.cloneNode(false);
    button.dataset.index = String(index);
    button.hidden = false;
    button.textContent = label;
    button.setAttribute("aria-label", `${label} ${row.name}`);
    after.after(button);
    row.extraDownloads.push(button);
    after = button;
  });
}

/** The form that asks for a secret (a password) the task waits for; hidden when it needs none. */
function fillSecret(row, label, placeholder, submit) {
  row.secretForm.hidden = !label;
  if (!label) return;
  setText(row.secretLabel, label);
  setText(row.secretSubmit, submit);
  row.secretInput.placeholder = placeholder;
  row.secretInput.setAttribute("aria-label", `${label} for ${row.name}`);
}

/** A progress tick: the bar, the percentage, the message and the time left of one row. */
export function fillProgress(row, progress, percent, message, remaining) {
  const now = String(Math.round(progress));
  if (row.bar.getAttribute("aria-valuenow") !== now) row.bar.setAttribute("aria-valuenow", now);
  row.fill.style.width = `${progress.toFixed(1)}%`;
  setText(row.percent, percent);
  setText(row.message, message);
  setText(row.remaining, remaining);
}

/** The clock's tick: elapsed time, time left and the retry countdown. */
export function fillTimes(row, elapsed, remaining, retryIn) {
  setText(row.elapsed, elapsed);
  setText(row.remaining, remaining);
  setText(row.retryIn, retryIn);
}

// The virtual list (dataflow.browser.panel): the <ul> holds only the rows in view and a few around
// them, between two spacers sized for the rows left out. Each row says its place in the whole list
// (aria-posinset/aria-setsize), and the list scrolls by keyboard when focused (tabindex=0).

/** Spacers around the built rows, and `onScroll()` once a frame while the list scrolls. */
export function makeWindow(list, onScroll) {
  const spacer = (side) => {
    const node = document.createElement("li");
    node.className = `task-spacer ${side}`;
    node.setAttribute("aria-hidden", "true");
    node.hidden = true;
    return node;
  };
  const win = { list, before: spacer("before"), after: spacer("after"), pitch: 0 };
  list.prepend(win.before);
  list.append(win.after);
  if (!list.hasAttribute("tabindex")) list.tabIndex = 0;
  let frame = 0;
  list.addEventListener("scroll", () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; onScroll(); });
  }, { passive: true });
  return win;
}

/** [first, count, viewFirst, viewCount]: the rows of `total` to build for the list's scroll
 *  position (`spare` more on each side of the view, at least `least`), and those in view. */
export function span(win, total, spare, least) {
  const pitch = win.pitch || 80;
  const view = win.list.clientHeight || window.innerHeight;
  const top = Math.floor(win.list.scrollTop / pitch);
  const inView = Math.ceil(view / pitch) + 1;
  const count = Math.max(least, inView + 2 * spare);
  const first = Math.max(0, Math.min(top - spare, total - count));
  return [first, count, Math.max(0, Math.min(top, total - inView)), inView];
}

/** Call `then()` at the next frame: the rest of the rows after those in view were built. */
export function later(then) {
  requestAnimationFrame(() => then());
}

/** Put `rows` (parts from makeRow, in order) between the spacers, moving only nodes out of place
 *  (a focused button stays focused), remove the `gone` nodes, and size the spacers for `before`
 *  and `after` rows left out, at the pitch of the first rows built. */
export function arrange(win, rows, gone, before, after) {
  for (const node of gone) node.remove();
  let cursor = win.before.nextSibling;
  const total = before + rows.length + after;
  rows.forEach((row, index) => {
    if (row.node === cursor) cursor = cursor.nextSibling;
    else win.list.insertBefore(row.node, cursor);
    row.node.setAttribute("aria-posinset", String(before + index + 1));
    row.node.setAttribute("aria-setsize", String(total));
  });
  const gap = parseFloat(getComputedStyle(win.list).rowGap) || 0;
  if (rows.length && !win.pitch) { // measured once: spacers that changed with each build would move the
    // scroll position, and that would build other rows, again and again
    const first = rows[0].node, last = rows[rows.length - 1].node;
    const height = last.offsetTop + last.offsetHeight - first.offsetTop + gap;
    if (height > 0) win.pitch = height / rows.length;
  }
  const size = (spacer, count) => {
    spacer.hidden = count === 0;
    spacer.style.height = `${Math.max(0, count * (win.pitch || 80) - gap)}px`;
  };
  size(win.before, before);
  size(win.after, after);
}
