/**
 * Each integration's health per router, for /metrics and /status: its delivery state read
 * from the router views at scrape time (last success, last error, queue age, dropped
 * samples) and its link activity counted from telemetry events (links, reconnects, states
 * acknowledged, auth pauses, task results). A dashboard that is down or slow shows here,
 * never in /healthz. Pure.
 */
import type { RouterView } from '../router-view.js';
import type { IntegrationEvent } from '../telemetry.js';
import type { Sample, ScalarFamily } from './prom-text.js';

/** Link activity of one integration for one router, as /status shows it. */
export interface LinkActivity {
  /** Whether its link to the dashboard is open; undefined when it never said. */
  linkUp: boolean | undefined;
  reconnects: number;
  statesAcknowledged: number;
  authPauses: number;
  taskResults: number;
}

const COUNTED: Readonly<Record<Exclude<IntegrationEvent, 'link_up' | 'link_down'>, { field: keyof Omit<LinkActivity, 'linkUp'>; metric: string; help: string }>> = {
  reconnect: { field: 'reconnects', metric: 'tikprobe_integration_reconnects_total', help: 'Links to the dashboard opened again after they had closed.' },
  state_acknowledged: {
    field: 'statesAcknowledged',
    metric: 'tikprobe_integration_states_acknowledged_total',
    help: 'Reports (Nezha States) the dashboard acknowledged.',
  },
  auth_pause: {
    field: 'authPauses',
    metric: 'tikprobe_integration_auth_pauses_total',
    help: 'Times the dashboard refused the credentials and the link was paused.',
  },
  task_result: { field: 'taskResults', metric: 'tikprobe_integration_task_results_total', help: 'Task results sent back to the dashboard.' },
};

export class LinkActivityStore {
  private readonly byRouter = new Map<string, Map<string, LinkActivity>>();

  record(router: string, integration: string, event: IntegrationEvent): void {
    let integrations = this.byRouter.get(router);
    if (integrations === undefined) {
      integrations = new Map();
      this.byRouter.set(router, integrations);
    }
    let a = integrations.get(integration);
    if (a === undefined) {
      // A bounded set: integrations are the registered few, never names from outside.
      a = { linkUp: undefined, reconnects: 0, statesAcknowledged: 0, authPauses: 0, taskResults: 0 };
      integrations.set(integration, a);
    }
    if (event === 'link_up' || event === 'link_down') a.linkUp = event === 'link_up';
    else if (event in COUNTED) a[COUNTED[event].field]++;
  }

  of(router: string): ReadonlyMap<string, LinkActivity> {
    return this.byRouter.get(router) ?? new Map();
  }

  retain(routers: ReadonlySet<string>): void {
    for (const name of this.byRouter.keys()) if (!routers.has(name)) this.byRouter.delete(name);
  }

  families(): ScalarFamily[] {
    const up: Sample[] = [];
    const counted = new Map<string, Sample[]>(Object.values(COUNTED).map((c) => [c.metric, []]));
    for (const [router, integrations] of this.byRouter) {
      for (const [integration, a] of integrations) {
        const labels = { router, integration };
        if (a.linkUp !== undefined) up.push({ labels, value: a.linkUp ? 1 : 0 });
        for (const c of Object.values(COUNTED)) counted.get(c.metric)?.push({ labels, value: a[c.field] });
      }
    }
    return [
      { name: 'tikprobe_integration_link_up', help: '1 while the link (streams) to the dashboard is open for the router, else 0.', type: 'gauge', samples: up },
      ...Object.values(COUNTED).map((c): ScalarFamily => ({ name: c.metric, help: c.help, type: 'counter', samples: counted.get(c.metric) ?? [] })),
    ];
  }
}

/** The delivery state of every integration of every router, from the views. */
export function deliveryFamilies(views: readonly RouterView[]): ScalarFamily[] {
  const success: Sample[] = [];
  const error: Sample[] = [];
  const failing: Sample[] = [];
  const queueAge: Sample[] = [];
  const dropped: Sample[] = [];
  for (const v of views) {
    for (const p of v.parts) {
      const labels = { router: v.name, integration: p.integration };
      if (p.lastSuccessAt !== undefined) success.push({ labels, value: p.lastSuccessAt / 1000 });
      if (p.lastErrorAt !== undefined) error.push({ labels, value: p.lastErrorAt / 1000 });
      failing.push({ labels, value: p.lastError !== undefined ? 1 : 0 });
      queueAge.push({ labels, value: p.queueAgeMs / 1000 });
      dropped.push({ labels, value: p.dropped });
    }
  }
  return [
    {
      name: 'tikprobe_integration_last_success_timestamp_seconds',
      help: 'Unix time the dashboard last accepted a report of the router.',
      type: 'gauge',
      samples: success,
    },
    {
      name: 'tikprobe_integration_last_error_timestamp_seconds',
      help: 'Unix time of the last failed report of the router (absent once a report succeeds again).',
      type: 'gauge',
      samples: error,
    },
    { name: 'tikprobe_integration_failing', help: '1 while the last report of the router to the dashboard failed, else 0.', type: 'gauge', samples: failing },
    {
      name: 'tikprobe_integration_queue_age_seconds',
      help: 'Age of the sample waiting to be sent to the dashboard (0 when none waits).',
      type: 'gauge',
      samples: queueAge,
    },
    {
      name: 'tikprobe_integration_dropped_samples_total',
      help: 'Samples replaced by a newer one before the dashboard could take them ("latest sample wins").',
      type: 'counter',
      samples: dropped,
    },
  ];
}
