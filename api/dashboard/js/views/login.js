// Signing in: the agency's API key, kept in this tab's session storage only.
import { api, session } from '../api.js';
import { h, show } from '../dom.js';

export function loginView(onSignedIn, message) {
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', placeholder: 'jd_…', required: true, 'aria-describedby': 'login-help' });
  const error = h('p', { class: 'error', role: 'alert', hidden: !message }, message ?? '');
  const form = h('form', { class: 'card login' },
    h('h2', {}, '登录'), h('label', { for: 'api-key' }, '机构 API 密钥'), input,
    h('p', { id: 'login-help', class: 'muted small' }, '密钥只保存在本标签页中，关闭即清除。'),
    h('button', { class: 'primary', type: 'submit' }, '登录'), error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    session.signIn(input.value.trim());
    try {
      const me = await api('/me', { signingIn: true });
      onSignedIn(me);
    } catch (err) {
      session.signOut();
      error.textContent = err.message;
      error.hidden = false;
    }
  });
  show(form);
  input.focus();
}
