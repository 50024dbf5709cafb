// Log in, sign up and set a new password from an operator-issued reset link: the API's own validation messages
// appear next to the field they name.
import { useState, type FormEvent } from 'react';
import { useAction } from '../ui/use-action.js';
import { Link, useLocation, useSearch } from 'wouter';
import { api, ApiRequestError, describeFormError, type Session } from '../api/client.js';
import { useSession } from '../api/session.js';
import { Button, Card, Page, TextField } from '../ui/kit.js';

function useNext(): string {
  const next = new URLSearchParams(useSearch()).get('next');
  // Only paths on this site: an absolute or protocol-relative URL would send the member elsewhere.
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  const { logIn } = useSession();
  const [, navigate] = useLocation();
  const next = useNext();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => logIn(email, password))) navigate(next, { replace: true });
  };
  const apiError = error instanceof ApiRequestError ? error : undefined;
  return (
    <Page title="Log in">
      <Card className="card-narrow">
        <form onSubmit={submit} noValidate>
          <TextField label="Email" type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} error={apiError?.fieldMessage('email')} />
          <TextField label="Password" type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={apiError?.fieldMessage('password')} />
          {error !== undefined ? (
            <p className="form-error" role="alert">
              {describeFormError(error)}
            </p>
          ) : null}
          <Button type="submit" variant="primary" busy={busy}>
            Log in
          </Button>
        </form>
        <p>
          New here? <Link href={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
        </p>
      </Card>
    </Page>
  );
}

export function SignUpPage() {
  const { signUp } = useSession();
  const [, navigate] = useLocation();
  const next = useNext();
  const [form, setForm] = useState({ email: '', password: '', displayName: '', headline: '', company: '' });
  const { busy, error, run } = useAction();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const done = await run(() =>
      signUp({ email: form.email, password: form.password, displayName: form.displayName, ...(form.headline ? { headline: form.headline } : {}), ...(form.company ? { company: form.company } : {}) }),
    );
    if (done) navigate(next === '/' ? '/profile' : next, { replace: true });
  };
  const apiError = error instanceof ApiRequestError ? error : undefined;
  return (
    <Page title="Create your account">
      <Card className="card-narrow">
        <form onSubmit={submit} noValidate>
          <TextField label="Name shown to others" name="displayName" autoComplete="name" required value={form.displayName} onChange={set('displayName')} error={apiError?.fieldMessage('displayName')} />
          <TextField label="Email" type="email" name="email" autoComplete="email" required value={form.email} onChange={set('email')} error={apiError?.fieldMessage('email')} />
          <TextField label="Password" type="password" name="password" autoComplete="new-password" required hint="At least 10 characters; not a common password." value={form.password} onChange={set('password')} error={apiError?.fieldMessage('password')} />
          <TextField label="Headline (optional)" name="headline" value={form.headline} onChange={set('headline')} error={apiError?.fieldMessage('headline')} />
          <TextField label="Company (optional)" name="company" autoComplete="organization" value={form.company} onChange={set('company')} error={apiError?.fieldMessage('company')} />
          {error !== undefined ? (
            <p className="form-error" role="alert">
              {describeFormError(error)}
            </p>
          ) : null}
          <Button type="submit" variant="primary" busy={busy}>
            Create account
          </Button>
        </form>
        <p>
          Already a member? <Link href="/login">Log in</Link>
        </p>
      </Card>
    </Page>
  );
}

/**
 * /reset-password?token=…: the link `roundtable password-reset <email>` prints (imported members, forgotten
 * passwords). Setting the password ends the member's other sessions and signs them in here.
 */
export function ResetPasswordPage() {
  const { reloadMe } = useSession();
  const [, navigate] = useLocation();
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== confirm);
    if (password !== confirm) return;
    const done = await run(async () => {
      api.setSession(await api.post<Session>('/v1/auth/password-reset', { token, password }));
      await reloadMe();
    });
    if (done) navigate('/profile', { replace: true });
  };
  const apiError = error instanceof ApiRequestError ? error : undefined;
  // Unknown, used or expired: the link itself is the problem, and there is no field for it on the page.
  const linkProblem = apiError?.fieldMessage('token');
  return (
    <Page title="Set a new password">
      <Card className="card-narrow">
        {token === '' ? (
          <p className="form-error" role="alert">
            This link has no reset token. Ask an operator for a new password reset link.
          </p>
        ) : (
          <form onSubmit={submit} noValidate>
            <TextField label="New password" type="password" name="password" autoComplete="new-password" required hint="At least 10 characters; not a common password." value={password} onChange={(e) => setPassword(e.target.value)} error={apiError?.fieldMessage('password')} />
            <TextField label="Repeat the new password" type="password" name="confirm" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={mismatch ? 'the two passwords differ' : undefined} />
            {error !== undefined ? (
              <p className="form-error" role="alert">
                {linkProblem ? `${linkProblem.charAt(0).toUpperCase()}${linkProblem.slice(1)}.` : describeFormError(error)}
              </p>
            ) : null}
            <Button type="submit" variant="primary" busy={busy}>
              Set password
            </Button>
          </form>
        )}
        <p>
          <Link href="/login">Back to log in</Link>
        </p>
      </Card>
    </Page>
  );
}
