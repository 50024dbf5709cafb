// The console's small set of accessible building blocks: every input has a label and its error is tied to it
// (aria-describedby), states are announced (role=status / role=alert), buttons show when they are busy.
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { describeError } from '../api/client.js';
import { useAction } from './use-action.js';

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Card({ title, children, headingLevel = 2, className }: { title?: ReactNode; children: ReactNode; headingLevel?: 2 | 3; className?: string }) {
  const id = useId();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={`card ${className ?? ''}`.trim()} aria-labelledby={title ? id : undefined}>
      {title ? <H id={id}>{title}</H> : null}
      {children}
    </section>
  );
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' | 'ghost'; busy?: boolean };

export function Button({ variant = 'secondary', busy, children, disabled, className, type = 'button', ...rest }: ButtonProps) {
  return (
    <button type={type} className={`btn btn-${variant} ${className ?? ''}`.trim()} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {children}
    </button>
  );
}

/** A button whose click runs an async action: busy while it runs, the error shown beside it. */
export function ActionButton({ action, children, ...rest }: Omit<ButtonProps, 'onClick'> & { action: () => Promise<unknown> }) {
  const { busy, error, run } = useAction();
  return (
    <span className="action">
      <Button {...rest} busy={busy} onClick={() => void run(action)}>
        {children}
      </Button>
      {error !== undefined ? (
        <span className="inline-error" role="alert">
          {describeError(error)}
        </span>
      ) : null}
    </span>
  );
}

interface FieldShell {
  label: string;
  hint?: string;
  error?: string | undefined;
}

function FieldFrame({ id, label, hint, error, children }: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function TextField({ label, hint, error, id: givenId, ...rest }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = givenId ?? auto;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...rest} />
    </FieldFrame>
  );
}

export function TextArea({ label, hint, error, id: givenId, ...rest }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const id = givenId ?? auto;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...rest} />
    </FieldFrame>
  );
}

export function SelectField({ label, hint, error, id: givenId, options, ...rest }: FieldShell & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  const auto = useId();
  const id = givenId ?? auto;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>{describeError(error)}</p>
      {retry ? <Button onClick={retry}>Try again</Button> : null}
    </div>
  );
}

/** Loading / error / empty / data in one place, so every list shows all four states the same way. */
export function AsyncView<T>({
  state,
  empty,
  isEmpty,
  what,
  children,
}: {
  state: { data: T | undefined; error: unknown; loading: boolean; reload(): Promise<void> };
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  what?: string;
  children: (data: T) => ReactNode;
}) {
  if (state.error !== undefined) return <ErrorNotice error={state.error} retry={() => void state.reload()} />;
  if (state.data === undefined) return <Loading what={what} />;
  if (empty !== undefined && isEmpty?.(state.data)) return <Empty>{empty}</Empty>;
  return <>{children(state.data)}</>;
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function formatTime(value: string | number | null | undefined, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString(undefined, options);
}
