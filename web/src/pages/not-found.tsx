import { Link } from 'wouter';
import { Page } from '../ui/kit.js';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>
        There is nothing at this address. <Link href="/">Go to the rooms</Link>.
      </p>
    </Page>
  );
}
