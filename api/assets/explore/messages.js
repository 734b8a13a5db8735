// The message area under the header (role="alert"): every API error with
// its message, code and path, and notices; never hidden silently.

import { ApiError } from './api.js';
import { $, clear, el } from './dom.js';

// Shows each error of `err` (an ApiError or anything thrown), prefixed with
// what was being done, each with a button that dismisses it.
export function showError(err, context) {
  const box = $('messages');
  const errors = err instanceof ApiError ? err.errors : [{ message: String(err && err.message ? err.message : err) }];
  for (const e of errors) {
    const code = e.extensions && e.extensions.code;
    const item = el('div', { class: 'message error' }, [
      el('strong', { text: context ? `${context}: ` : '' }),
      el('span', { class: 'message-text', text: e.message }),
      code ? el('code', { class: 'message-code', text: code }) : null,
      e.path ? el('span', { class: 'message-path', text: ` at ${e.path.join('.')}` }) : null,
    ]);
    const dismiss = el('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss this message', text: '×' });
    dismiss.addEventListener('click', () => {
      box.removeChild(item);
      if (!box.firstChild) box.hidden = true;
    });
    item.appendChild(dismiss);
    box.appendChild(item);
  }
  box.hidden = false;
  if (window.console) console.warn('[explorer]', context || '', errors);
}

export function showNotice(text) {
  const box = $('messages');
  box.appendChild(el('div', { class: 'message notice', text }));
  box.hidden = false;
}

// Empties the area; called on each new action.
export function clearMessages() {
  const box = $('messages');
  clear(box);
  box.hidden = true;
}
