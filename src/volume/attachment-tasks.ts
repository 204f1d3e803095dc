// The worker's steps for attachments: plug a disk into its server through the VolumeHost (attach),
// unplug it (detach), plug every recorded attachment back in after a restart (reattach), and list a
// server's disks for compute to plug in when it starts the guest (disksOf).
import type { VolumeTarget } from './backend/backend.js';
import type { Attachment, VolumeStatus } from './model.js';
import type { TaskDeps, VolumeTasks } from './volume-tasks.js';

export function createAttachmentTasks(deps: TaskDeps, tasks: VolumeTasks) {
  const { stores, log, backend } = deps;
  const now = () => deps.clock.now().toISOString();

  /** The volume's status once an attachment changed: in-use while any stays attached. */
  async function settleVolume(volumeId: string, fallback: VolumeStatus = 'available'): Promise<void> {
    const live = await stores.volumes.attachmentsOf([volumeId]);
    const status: VolumeStatus = live.some((a) => a.status === 'attached') ? 'in-use' : fallback;
    await tasks.patchVolume(volumeId, { status });
  }

  async function attachmentStep(a: Attachment): Promise<void> {
    const t = now();
    const server = a.instanceId;
    if (server === null)
      return void (await stores.volumes.updateAttachment(a.id, a.version, { task: null }, t));
    if (a.task === 'detach') {
      try {
        await deps.host.detach(server, a.volumeId);
      } catch (err) {
        log.error({ event: 'volume.detach.failed', attachmentId: a.id, err }, 'detach failed');
        await stores.volumes.updateAttachment(a.id, a.version, { status: 'error_detaching', task: null }, t);
        await settleVolume(a.volumeId, 'in-use');
        return;
      }
      await stores.volumes.updateAttachment(
        a.id,
        a.version,
        { status: 'detached', task: null, detachedAt: t, deleted: true },
        t,
      );
      await settleVolume(a.volumeId);
      return;
    }
    try {
      const v = await stores.volumes.get(a.volumeId);
      if (!v?.providerLocation) throw new Error(`volume ${a.volumeId} has no data`);
      const target = backend.attachTarget(v.providerLocation);
      await deps.host.attach(server, { volumeId: v.id, ...target, readOnly: a.attachMode === 'ro' });
    } catch (err) {
      log.error({ event: 'volume.attach.failed', attachmentId: a.id, err }, 'attach failed');
      await stores.volumes.updateAttachment(a.id, a.version, { status: 'error_attaching', task: null }, t);
      await settleVolume(a.volumeId);
      return;
    }
    const done = await stores.volumes.updateAttachment(
      a.id,
      a.version,
      { status: 'attached', task: null, attachedAt: t },
      t,
    );
    // A delete took the attachment over while we plugged the disk: it will unplug it (detach is idempotent).
    if (done) await settleVolume(a.volumeId);
  }

  /**
   * Start-up: plugs every recorded `attached` attachment back into its server (the VolumeHost treats a
   * disk that is already plugged as done). Returns how many it re-attached; failures are logged.
   */
  async function reattach(limit = 1000): Promise<number> {
    let count = 0;
    const attached = await stores.volumes.listAttachments({
      projectId: undefined,
      status: 'attached',
      limit,
    });
    for (const a of attached) {
      const v = await stores.volumes.get(a.volumeId);
      if (a.instanceId === null || !v?.providerLocation) continue;
      try {
        const target = backend.attachTarget(v.providerLocation);
        await deps.host.attach(a.instanceId, {
          volumeId: v.id,
          ...target,
          readOnly: a.attachMode === 'ro',
        });
        count += 1;
      } catch (err) {
        log.error({ event: 'volume.reattach.failed', attachmentId: a.id, err }, 'reattach failed');
      }
    }
    return count;
  }

  /** The disks recorded as attached to a server, for compute to plug in when it (re)starts the guest. */
  async function disksOf(serverId: string) {
    const out: ({ volumeId: string; readOnly: boolean } & VolumeTarget)[] = [];
    const rows = await stores.volumes.listAttachments({
      projectId: undefined,
      instanceId: serverId,
      status: 'attached',
      limit: 256,
    });
    for (const a of rows) {
      const v = await stores.volumes.get(a.volumeId);
      if (v?.providerLocation)
        out.push({
          volumeId: v.id,
          ...backend.attachTarget(v.providerLocation),
          readOnly: a.attachMode === 'ro',
        });
    }
    return out;
  }

  return { attachmentStep, reattach, disksOf };
}
