/**
 * sgci's own deployment (deploy/kubernetes, deploy/helm/sgci) meets the checklist sgci enforces: the real CLI
 * checks the manifests, and the objects hold what docs/deployment.md promises (digest, secrets, no fixed UID).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { parsePolicy } from '../../src/policy/index.ts';
import { loadServerConfig } from '../../src/server/index.ts';
import { runSgci } from '../helpers/cli.ts';
import { fixture, fixturesDir } from '../helpers/fixtures.ts';

const root = resolve(import.meta.dirname, '..', '..');
const plainDir = join(root, 'deploy', 'kubernetes');
const chartDir = join(root, 'deploy', 'helm', 'sgci');
// `sgci check` needs an image beside the manifests: the smallest fixture. Its own results (RUN-009 on its
// /home/nonroot, the manual checks) say nothing about the manifests and are not judged here.
const image = fixture('distroless-static').ociArchive;
const imageMissing = existsSync(image)
  ? undefined
  : `fixture image distroless-static not built: run ../shared/fixtures/build-images.sh ${fixturesDir()}`;
const helmMissing = await promisify(execFile)('helm', ['version', '--short']).then(
  () => undefined,
  () => 'helm is not installed: the chart is checked through its values only',
);
const components = ['serve', 'worker'] as const;

type Labels = Record<string, string>;
interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}
interface Container {
  readonly image: string;
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string }[];
  readonly args: readonly string[];
  readonly env: readonly EnvVar[];
  readonly ports: readonly { readonly containerPort: number }[];
  readonly livenessProbe: { readonly httpGet: { readonly path: string } };
  readonly readinessProbe: { readonly httpGet: { readonly path: string } };
  readonly resources: unknown;
}
interface Volume {
  readonly name: string;
  readonly emptyDir?: { readonly sizeLimit: string };
  readonly configMap?: { readonly name: string };
  readonly secret?: { readonly secretName: string; readonly items?: readonly { key: string; path: string }[] };
}
interface PodSpec {
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken?: boolean;
  readonly containers: readonly Container[];
  readonly volumes: readonly Volume[];
}
/** The fields of the objects this test reads; the rest is compared as it is. */
interface K8sObject {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly automountServiceAccountToken?: boolean;
  readonly data?: Readonly<Record<string, string>>;
  readonly spec?: {
    readonly replicas?: number;
    readonly selector?: { readonly matchLabels: Labels };
    readonly podSelector?: { readonly matchLabels: Labels };
    readonly template?: { readonly metadata: { readonly labels: Labels }; readonly spec: PodSpec };
  };
}

interface CheckResult {
  readonly id: string;
  readonly section: string;
  readonly automation: readonly string[];
  readonly result: string;
  readonly evidence: readonly { kind: string; object?: string; value?: string; message?: string }[];
}

function objectsIn(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o.kind === 'string');
}

/** The files kustomization.yaml lists, as `kubectl apply -k` applies them. */
function plainResources(): string[] {
  return parse(readFileSync(join(plainDir, 'kustomization.yaml'), 'utf8')).resources;
}

function plainObjects(): K8sObject[] {
  return plainResources().flatMap((name) => objectsIn(readFileSync(join(plainDir, name), 'utf8')));
}

function podOf(deployment: K8sObject): { labels: Labels; pod: PodSpec; container: Container } {
  const template = deployment.spec?.template;
  assert.ok(template?.spec.containers[0], `${deployment.metadata.name}: no container`);
  return { labels: template.metadata.labels, pod: template.spec, container: template.spec.containers[0] };
}

function envOf(container: Container, name: string): EnvVar {
  const env = container.env.find((e) => e.name === name);
  assert.ok(env, `${name} missing`);
  return env;
}

/** Which ConfigMap or Secret key a file the configuration names comes from, through the container's mounts. */
function sourceOf(pod: PodSpec, container: Container, path: string): string {
  const mount = container.volumeMounts.find((m) => path.startsWith(`${m.mountPath}/`));
  assert.ok(mount, `${path}: not mounted`);
  const file = path.slice(mount.mountPath.length + 1);
  const volume = pod.volumes.find((v) => v.name === mount.name);
  if (volume?.configMap) return `ConfigMap/${volume.configMap.name} ${file}`;
  if (volume?.secret) {
    const key = volume.secret.items ? volume.secret.items.find((i) => i.path === file)?.key : file;
    return `Secret/${volume.secret.secretName} ${key}`;
  }
  assert.fail(`${path}: volume ${mount.name} is neither a ConfigMap nor a Secret`);
}

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} missing`);
  return found;
}

async function checkManifests(path: string): Promise<CheckResult[]> {
  const home = await mkdtemp(join(tmpdir(), 'sgci-deploy-'));
  const run = await runSgci(['check', `oci-archive:${image}`, '--manifests', path, '-o', 'json'], {
    env: { NO_COLOR: '1', SGCI_HOME: home, XDG_CACHE_HOME: join(home, 'cache') },
    timeout: 120_000,
  });
  // 1: the gate fails on image-side checks of the fixture; 2 would be a refused input
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  return JSON.parse(run.stdout).results;
}

/** Every RUN check that reads manifests passes, and it judged both Deployments' containers. */
function assertManifestChecksPass(results: readonly CheckResult[]): void {
  const judged = results.filter((r) => r.section === 'RUN' && r.automation.includes('manifest'));
  assert.ok(judged.length > 0, 'no RUN check reads manifests');
  for (const check of judged) {
    assert.equal(check.result, 'pass', `${check.id}: ${JSON.stringify(check.evidence)}`);
    const manifest = check.evidence.filter((e) => e.kind === 'manifest');
    // rendered Helm output is one file: its evidence adds "(document N)" to the object
    const objects = new Set(manifest.map((e) => e.object?.split(' ')[0]));
    if (objects.size > 0) assert.deepEqual([...objects].sort(), ['Deployment/sgci-serve', 'Deployment/sgci-worker']);
  }
  // two checks pass on the image alone: hold the manifests to them too
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const e of byId.get('SGCI-RUN-001')?.evidence.filter((e) => e.kind === 'manifest') ?? [])
    assert.equal(e.message, undefined, `resources: ${e.message}`);
  for (const e of byId.get('SGCI-RUN-008')?.evidence.filter((e) => e.kind === 'manifest') ?? [])
    assert.equal(e.value, 'livenessProbe, readinessProbe, startupProbe');
}

test('sgci check passes every manifest-reading RUN check on deploy/kubernetes', { skip: imageMissing }, async () => {
  assertManifestChecksPass(await checkManifests(plainDir));
});

test('deploy/kubernetes: image by digest, secrets by reference, no fixed UID, every object applied', async () => {
  const objects = plainObjects();
  assert.equal(objects.filter((o) => o.kind === 'Secret').length, 0, 'a Secret with values in the repository');
  assert.deepEqual(
    plainResources().sort(),
    readdirSync(plainDir)
      .filter((n) => n.endsWith('.yaml') && n !== 'kustomization.yaml')
      .sort(),
  );
  assert.equal(find(objects, 'ServiceAccount', 'sgci').automountServiceAccountToken, false);
  // the server's own reader (strict: an unknown key fails) and the policy reader take the ConfigMap as it is
  const configData = find(objects, 'ConfigMap', 'sgci-config').data ?? {};
  const configFile = join(await mkdtemp(join(tmpdir(), 'sgci-deploy-config-')), 'config.yaml');
  await writeFile(configFile, configData['config.yaml'] ?? '');
  const config = loadServerConfig({ file: configFile, env: {} });
  parsePolicy(configData['policy.yaml'] ?? '', 'policy.yaml');
  assert.ok(config.policy && config.signingKey);
  for (const component of components) {
    const { labels, pod, container } = podOf(find(objects, 'Deployment', `sgci-${component}`));
    assert.match(container.image, /^[^@\s]+@sha256:[0-9a-f]{64}$/);
    assert.equal(container.args[0], component);
    assert.equal(pod.serviceAccountName, 'sgci');
    assert.equal(pod.automountServiceAccountToken, false);
    // OpenShift assigns the UID (group 0): a fixed one would be refused by its restricted SCC
    assert.doesNotMatch(JSON.stringify(pod), /"(runAsUser|runAsGroup|fsGroup)"/);
    for (const name of ['DATABASE_URL', 'SGCI_PASSWORD', 'SGCI_CREDENTIALS_KEY']) {
      const env = envOf(container, name);
      assert.ok(env.valueFrom?.secretKeyRef && env.value === undefined, `${component} ${name}`);
    }
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.ports[0]?.containerPort, config.port);
    assert.equal(sourceOf(pod, container, config.policy), 'ConfigMap/sgci-config policy.yaml');
    assert.equal(sourceOf(pod, container, config.signingKey), 'Secret/sgci-signing cosign.key');
    const selects = (selector: Labels | undefined) =>
      selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
    assert.ok(objects.some((o) => o.kind === 'NetworkPolicy' && selects(o.spec?.podSelector?.matchLabels)));
    assert.ok(objects.some((o) => o.kind === 'PodDisruptionBudget' && selects(o.spec?.selector?.matchLabels)));
  }
});

test('the chart values: schema-valid, digest only, and the defaults are the plain manifests', () => {
  const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
  const validate = new Ajv({ strict: false }).compile(
    JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')),
  );
  assert.equal(validate(values), true, JSON.stringify(validate.errors));
  assert.equal(validate({ ...values, image: { ...values.image, digest: 'latest' } }), false);
  const objects = plainObjects();
  const configData = find(objects, 'ConfigMap', 'sgci-config').data ?? {};
  const { listen, policy, signingKey, ...config } = parse(configData['config.yaml'] ?? '');
  assert.deepEqual(values.config, config);
  assert.equal(values.policy, configData['policy.yaml']);
  for (const component of components) {
    const deployment = find(objects, 'Deployment', `sgci-${component}`);
    const { pod, container } = podOf(deployment);
    const own = values[component];
    assert.equal(container.image, `${values.image.repository}@${values.image.digest}`);
    assert.equal(deployment.spec?.replicas, own.replicas);
    assert.deepEqual(container.resources, own.resources);
    const sizes = Object.fromEntries(pod.volumes.flatMap((v) => (v.emptyDir ? [[v.name, v.emptyDir.sizeLimit]] : [])));
    assert.deepEqual(sizes, own.volumes);
    const env = (name: string) => envOf(container, name).valueFrom?.secretKeyRef;
    assert.equal(envOf(container, 'SGCI_CACHE_MAX_SIZE').value, own.cacheMaxSize);
    assert.deepEqual(env('DATABASE_URL'), {
      name: values.secrets.database.name,
      key: values.secrets.database.urlKey,
    });
    assert.deepEqual(env('SGCI_PASSWORD'), {
      name: values.secrets.signing.name,
      key: values.secrets.signing.passwordKey,
    });
    assert.deepEqual(env('SGCI_CREDENTIALS_KEY'), {
      name: values.secrets.credentials.name,
      key: values.secrets.credentials.key,
    });
  }
});

test('helm template of the chart with default values passes the same checks and equals the plain manifests', {
  skip: imageMissing ?? helmMissing,
}, async () => {
  const { stdout } = await promisify(execFile)('helm', ['template', 'sgci', chartDir, '--namespace', 'sgci'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const rendered = join(await mkdtemp(join(tmpdir(), 'sgci-helm-')), 'rendered.yaml');
  await writeFile(rendered, stdout);
  assertManifestChecksPass(await checkManifests(rendered));
  const chart = objectsIn(stdout);
  const plain = plainObjects().filter((o) => o.kind !== 'Namespace');
  assert.deepEqual(
    chart.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    plain.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
  );
  for (const object of plain) {
    const twin = find(chart, object.kind, object.metadata.name);
    if (object.kind === 'Deployment') {
      // the chart adds a config checksum annotation and Helm's own labels; the pods are the same
      assert.deepEqual(podOf(twin).pod, podOf(object).pod, object.metadata.name);
      assert.deepEqual(twin.spec?.selector, object.spec?.selector);
      assert.equal(twin.spec?.replicas, object.spec?.replicas);
    } else if (object.kind === 'ConfigMap') {
      for (const [key, text] of Object.entries(object.data ?? {}))
        assert.deepEqual(parse(twin.data?.[key] ?? ''), parse(text), key);
    } else if (object.kind === 'ServiceAccount') {
      assert.equal(twin.automountServiceAccountToken, false);
    } else {
      assert.deepEqual(twin.spec, object.spec, `${object.kind}/${object.metadata.name}`);
    }
  }
});

test('every flag the manifests pass to sgci serve and sgci worker is one the command takes', async () => {
  for (const deployment of plainObjects().filter((o) => o.kind === 'Deployment')) {
    const { container } = podOf(deployment);
    const [command, ...args] = container.args;
    assert.ok(command === 'serve' || command === 'worker', `${deployment.metadata.name}: runs ${command}`);
    const help = await runSgci([command, '--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const flag of args.filter((a) => a.startsWith('--'))) {
      assert.ok(help.stdout.includes(`${flag} `), `${deployment.metadata.name}: sgci ${command} has no ${flag}`);
    }
  }
});
