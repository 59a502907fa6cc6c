// Builds one task row from the <template id="task-row"> in index.html: one clone instead of
// dozens of element calls from Python. User text (the file name) goes in as textContent and in
// attributes only. Returns the row's parts; Python fills and updates them.
const ACTIONS = ["pause", "resume", "cancel", "retry", "download", "remove"];

export function makeRow(taskId, name) {
  const node = document.getElementById("task-row").content.firstElementChild.cloneNode(true);
  node.dataset.taskId = taskId;
  const part = (selector) => node.querySelector(selector);
  const title = part(".task-name");
  title.textContent = name;
  title.title = name;
  part(".bar").setAttribute("aria-label", `Progress of ${name}`);
  part(".password-form input").setAttribute("aria-label", `Password for ${name}`);
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
    passwordForm: part(".password-form"), passwordInput: part(".password-form input"),
  };
}
