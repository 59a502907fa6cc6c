// Builds one task row from the <template id="task-row"> in index.html: one clone instead of
// dozens of element calls from Python. User text (the file name) goes in as textContent and in
// attributes only. Returns the row's parts; Python fills and updates them.
const ACTIONS = ["pause", "resume", "cancel", "retry", "view", "derive", "download", "remove"];

export function makeRow(taskId, name) {
  const node = document.getElementById("task-row").content.firstElementChild.cloneNode(true);
  node.dataset.taskId = taskId;
  const part = (selector) => node.querySelector(selector);
  const title = part(".task-name");
  title.textContent = name;
  title.title = name;
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
  if (view.derive && row.buttons.derive.textContent !== view.derive) {  // another kind's action ("Enrich")
    row.buttons.derive.textContent = view.derive;
    row.buttons.derive.setAttribute("aria-label", `${view.derive} ${row.name}`);
  }
  row.node.hidden = view.hidden;
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
