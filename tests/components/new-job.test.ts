// New job: the submit button stays off, and says why, while anything would make the server refuse
// the job or lose the results (a server blocker, no files, terms, a password the server would
// change, a check still running); a refused token is cured right in the form.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type JobForm, type PreflightReport, type ServerView, type UploadView } from '../../electron/ipc/contract';
import NewJobScreen from '../../renderer/src/screens/NewJobScreen.svelte';
import { deferred, fakeMain, type Answers, type FakeMain } from './support/fake-main';
import { NOW, TERMS, appInfo, chosenFile, cleanReport, serverView, topmedForm } from './support/fixtures';
import { settle } from './support/settle';

const FILE = chosenFile('chr20.vcf.gz');
const SUBMIT = 'Start Imputation';
/** Longer than the pause the check waits for before it starts (PreflightRunner: 350 ms). */
const CHECK_PAUSE_MS = 1_000;
const JOB_LIMIT = 'You have 3 jobs waiting or running on this server, the most it runs per user (3). Wait until one finishes.';
const TOKEN_REFUSED = 'The token is invalid or has expired. Paste a new API token from your profile page.';

function uploadOf(request: { serverId: string; jobName: string }): UploadView {
  return {
    id: 'upload-1',
    serverId: request.serverId,
    serverLabel: 'TOPMed',
    jobName: request.jobName,
    state: 'queued',
    files: [{ name: FILE.name, size: FILE.size, bytesSent: 0 }],
    bytesSent: 0,
    totalBytes: FILE.size,
    rate: 0,
    etaSeconds: null,
    jobId: null,
    passwordState: null,
    error: null,
    createdAt: NOW,
    finishedAt: null,
  };
}

let main: FakeMain;
let user: ReturnType<typeof userEvent.setup>;

async function openForm(
  options: { form?: JobForm | (() => JobForm); servers?: ServerView[]; report?: () => PreflightReport | Promise<PreflightReport>; answers?: Answers } = {},
) {
  const form = options.form ?? topmedForm();
  main = fakeMain({
    'newJob:form': typeof form === 'function' ? form : () => form,
    'uploads:list': () => [],
    'files:openDialog': () => [FILE],
    'preflight:check': options.report ?? (() => cleanReport([FILE])),
    'preflight:cancel': () => ({ canceled: true }),
    'uploads:start': (request) => uploadOf(request),
    // Files sent before: "Check against the panel first" starts off, the submit goes straight to the upload.
    'qc:list': () => [],
    'qc:inspect': () => ({ firstSubmission: false, qcMode: { value: 'qc_only', label: 'Quality Control Only' }, slim: null, slimProblem: null }),
    ...options.answers,
  });
  // No pauses between keystrokes: the test's clock is fake and moves only when told.
  user = userEvent.setup({ delay: null });
  render(NewJobScreen, { props: { servers: options.servers ?? [serverView()], info: appInfo() } });
  await settle();
}

const submitButton = () => screen.getByRole('button', { name: SUBMIT }) as HTMLButtonElement;
const reasons = () => {
  const list = screen.queryByRole('list', { name: 'Before you can submit' });
  return list
    ? within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent)
    : [];
};

async function addFile(): Promise<void> {
  await user.click(screen.getByRole('button', { name: 'Choose files…' }));
  await settle();
}
/** The local check starts after a short pause (files are often added one after another). */
async function letCheckRun(): Promise<void> {
  await vi.advanceTimersByTimeAsync(CHECK_PAUSE_MS);
  await settle();
}
async function acceptTerms(): Promise<void> {
  await user.click(screen.getByRole('checkbox', { name: TERMS.check1 }));
  await user.click(screen.getByRole('checkbox', { name: TERMS.check2 }));
}
/** Files checked and terms accepted: nothing but what a test adds stands in the way. */
async function fillIn(): Promise<void> {
  await addFile();
  await letCheckRun();
  await acceptTerms();
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

it('lists what is missing, drops each reason once cured, and then submits', async () => {
  await openForm();
  expect(submitButton().disabled).toBe(true);
  expect(reasons()).toEqual(['Add at least one .vcf.gz file.', `Accept: ${TERMS.check1}`, `Accept: ${TERMS.check2}`]);

  await addFile();
  await letCheckRun();
  expect(reasons()).toEqual([`Accept: ${TERMS.check1}`, `Accept: ${TERMS.check2}`]);
  await user.click(screen.getByRole('checkbox', { name: TERMS.check1 }));
  expect(reasons()).toEqual([`Accept: ${TERMS.check2}`]);
  expect(submitButton().disabled).toBe(true);
  await user.click(screen.getByRole('checkbox', { name: TERMS.check2 }));
  expect(reasons()).toEqual([]);
  expect(submitButton().disabled).toBe(false);

  await user.click(submitButton());
  await settle();
  expect(main.requests('uploads:start')).toEqual([
    {
      serverId: 'topmed',
      appId: 'imputationserver2',
      fileIds: [FILE.id],
      values: expect.objectContaining({ build: 'hg19', phasing: 'eagle', mode: 'imputation' }),
      checked: { check1: true, check2: true },
      jobName: '',
      password: { mode: 'generate' },
    },
  ]);
});

describe('a server blocker', () => {
  it('the job limit keeps the button off with the server’s reason, until "Check again" finds room', async () => {
    await openForm({ form: topmedForm({ liveJobs: 3, blocker: { code: 'job-limit', message: JOB_LIMIT } }) });
    await fillIn();
    expect(reasons()).toEqual([JOB_LIMIT]);
    expect(submitButton().disabled).toBe(true);

    const banner = screen.getAllByRole('alert').find((alert) => alert.textContent!.includes(JOB_LIMIT))!;
    main.answer('newJob:form', () => topmedForm({ liveJobs: 2 }));
    await user.click(within(banner).getByRole('button', { name: 'Check again' }));
    await settle();
    expect(main.requests('newJob:form')).toEqual([{ serverId: 'topmed' }, { serverId: 'topmed' }]);
    expect(reasons()).toEqual([]);
    expect(submitButton().disabled).toBe(false);
  });

  it('maintenance shows the server’s message and no way to submit', async () => {
    const message = 'The server is under maintenance: Back on Monday 9:00 CET. Submitting is not possible now.';
    await openForm({ form: { ...topmedForm(), appName: '', appVersion: '', submitLabel: 'Submit', fields: [], blocker: { code: 'maintenance', message } } });
    await addFile();
    expect(screen.getByRole('alert').textContent).toContain(message);
    expect(screen.queryByRole('button', { name: /^(Submit|Start Imputation)$/ })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: TERMS.check1 })).toBeNull();
    // No form, no check: the check needs the server's panels and builds.
    await letCheckRun();
    expect(main.requests('preflight:check')).toEqual([]);
  });

  it('a form refused for maintenance says the server’s words and asks the server card to update', async () => {
    const servers = [serverView({ status: 'maintenance', statusMessage: 'Under maintenance until 18:00.' })];
    await openForm({
      servers,
      form: () => {
        throw new AppError('maintenance', 'The server is under maintenance.');
      },
      answers: { 'servers:refresh': () => servers[0]! },
    });
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('Under maintenance until 18:00. Submitting is not possible now.');
    expect(screen.queryByRole('button', { name: SUBMIT })).toBeNull();
    expect(main.requests('servers:refresh')).toEqual([{ id: 'topmed' }]);
  });
});

describe('a typed results password', () => {
  const NUMBER = 'The server reads a password that looks like a number as a number (leading zeros are lost); add a letter.';

  async function typePassword(value: string): Promise<HTMLInputElement> {
    const input = screen.getByLabelText('Password') as HTMLInputElement;
    await user.clear(input);
    if (value !== '') await user.type(input, value);
    return input;
  }

  it('one the server would change keeps the button off, says why, and a good one goes through', async () => {
    await openForm();
    await fillIn();
    expect(submitButton().disabled).toBe(false);

    await user.click(screen.getByRole('radio', { name: 'Type my own' }));
    expect(reasons()).toEqual(['Type the results password, or let the app generate one.']);
    expect(submitButton().disabled).toBe(true);

    const input = await typePassword('0012345678');
    expect(reasons()).toEqual([NUMBER]);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toContain(NUMBER);
    expect(submitButton().disabled).toBe(true);

    await typePassword('true');
    expect(reasons()).toEqual(['The server reads "true" and "false" as yes/no values; choose another password.']);
    await typePassword('a&b<c>d"e');
    expect(reasons()).toEqual(['The server changes the characters & < > " in passwords (it HTML-escapes them); leave them out.']);
    await typePassword('short1');
    expect(reasons()).toEqual(['Use at least 8 characters for the results password.']);

    await typePassword('0012345678a');
    expect(reasons()).toEqual([]);
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    await user.click(submitButton());
    await settle();
    expect(main.requests('uploads:start').map((request) => request.password)).toEqual([{ mode: 'typed', value: '0012345678a' }]);
  });

  it('going back to a generated password lifts the block', async () => {
    await openForm();
    await fillIn();
    await user.click(screen.getByRole('radio', { name: 'Type my own' }));
    await typePassword('0012345678');
    expect(submitButton().disabled).toBe(true);
    await user.click(screen.getByRole('radio', { name: /^Generate a strong password/ }));
    expect(reasons()).toEqual([]);
    expect(submitButton().disabled).toBe(false);
  });
});

describe('the local file check', () => {
  const WAIT = 'Wait for the file check to finish.';

  it('keeps the button off while it waits to start and while it runs', async () => {
    const answer = deferred<PreflightReport>();
    await openForm({ report: () => answer.promise });
    await acceptTerms();
    await addFile();
    expect(reasons()).toEqual([WAIT]);

    await letCheckRun();
    expect(main.requests('preflight:check')).toEqual([expect.objectContaining({ serverId: 'topmed', fileIds: [FILE.id] })]);
    expect(screen.getByRole('status').textContent).toContain('Checking files with the server’s rules…');
    expect(reasons()).toEqual([WAIT]);
    expect(submitButton().disabled).toBe(true);

    answer.resolve(cleanReport([FILE]));
    await settle();
    expect(reasons()).toEqual([]);
    expect(submitButton().disabled).toBe(false);
  });

  it('errors it found keep the button off until the user lets the server judge', async () => {
    const report = cleanReport([FILE]);
    report.ok = false;
    report.files[0]!.findings = [
      { rule: 'build', severity: 'error', serverMessage: 'This is not a valid hg19 file.', explanation: 'The positions fit hg38.', fix: '', firstStop: true },
    ];
    await openForm({ report: () => report });
    await fillIn();
    expect(reasons()).toEqual(['Fix the problem the file check found, or choose “Submit anyway”.']);
    expect(submitButton().disabled).toBe(true);

    await user.click(screen.getByRole('checkbox', { name: /^Submit anyway/ }));
    expect(reasons()).toEqual([]);
    expect(submitButton().disabled).toBe(false);
  });

  it('a check that could not run keeps the button off with a way out', async () => {
    await openForm({
      report: () => {
        throw new AppError('file-changed', 'chr20.vcf.gz changed on disk while it was read.');
      },
    });
    await fillIn();
    expect(reasons()).toEqual(['The file check could not run: try again, or choose “Submit anyway”.']);
    expect(submitButton().disabled).toBe(true);
  });
});

describe('a refused token', () => {
  it.each([
    ['unauthorized', TOKEN_REFUSED],
    ['token-revoked', 'The token was revoked or replaced by a newer one. Paste the current API token from your profile page.'],
  ] as const)('(%s) offers the paste box in the form; a saved token reads the form again', async (code, message) => {
    const servers = [serverView({ status: code === 'unauthorized' ? 'expired' : 'revoked', statusMessage: message })];
    await openForm({
      servers,
      form: () => {
        throw new AppError(code, message);
      },
    });
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toContain(`Your token for TOPMed has expired or was replaced; paste a new one. ${message}`);
    expect(screen.queryByRole('button', { name: SUBMIT })).toBeNull();

    const box = within(banner).getByRole('form', { name: 'New token for TOPMed' });
    const save = within(box).getByRole('button', { name: 'Save token' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.type(within(box).getByLabelText('New API token for TOPMed'), 'eyJhbGciOiJIUzI1NiJ9.new-token');
    expect(save.disabled).toBe(false);

    main.answer('servers:replaceToken', ({ id }) => serverView({ id }));
    main.answer('newJob:form', () => topmedForm());
    await user.click(save);
    await settle();
    expect(main.requests('servers:replaceToken')).toEqual([{ id: 'topmed', token: 'eyJhbGciOiJIUzI1NiJ9.new-token' }]);
    expect(main.requests('newJob:form')).toEqual([{ serverId: 'topmed' }, { serverId: 'topmed' }]);
    expect(screen.queryByRole('form', { name: 'New token for TOPMed' })).toBeNull();
    expect(submitButton().disabled).toBe(true);
    expect(reasons()[0]).toBe('Add at least one .vcf.gz file.');
  });

  it('a token the server refuses again is said in the box, and the form is not read again', async () => {
    await openForm({
      servers: [serverView({ status: 'expired', statusMessage: TOKEN_REFUSED })],
      form: () => {
        throw new AppError('unauthorized', TOKEN_REFUSED);
      },
    });
    main.answer('servers:replaceToken', () => {
      throw new AppError('unauthorized', 'The server refused this token: it is invalid or has expired.');
    });
    const box = screen.getByRole('form', { name: 'New token for TOPMed' });
    await user.type(within(box).getByLabelText('New API token for TOPMed'), 'an-old-token');
    await user.click(within(box).getByRole('button', { name: 'Save token' }));
    await settle();
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toContain('The server refused this token: it is invalid or has expired.');
    expect(main.requests('newJob:form')).toHaveLength(1);
  });
});
