// Small helpers shared by the views: finding and building elements,
// debouncing, and the names shown for entity kinds.

export function $(id) {
  return document.getElementById(id);
}

// Builds an element: el('a', { href: '/', class: 'x' }, ['text', child]).
// Attributes that are null, undefined or false are left out; `class` and
// `text` set the class name and the text; true sets an empty attribute.
// Children that are null, undefined or false are skipped; strings become text.
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children || []) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// `fn` once the calls have stopped for `ms`; `.cancel()` drops a pending call.
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

const KIND_NAMES = { ACTOR: 'Actor', ORGANISATION: 'Organisation', REGION: 'Region' };

export function kindName(kind) {
  return KIND_NAMES[kind] || kind;
}
