// The project's networks as vertical bars, routers and instances as boxes wired to the networks their
// ports are on (an SVG with a text alternative).
import { Text } from '@mantine/core';
import { listServers } from '../api/compute';
import { useLoad } from '../api/hooks';
import { listNetworks, neutron, type Port, type Router } from '../api/network';
import { useT } from '../i18n';
import { useSession } from '../session-context';
import { ErrorAlert } from './common';

export function Topology() {
  const t = useT();
  const { session } = useSession();
  const data = useLoad(
    async () => {
      const [networks, routers, ports, servers] = await Promise.all([
        listNetworks(session),
        neutron<{ routers: Router[] }>(session, '/routers').then((r) => r.routers),
        neutron<{ ports: Port[] }>(session, '/ports').then((r) => r.ports),
        listServers(session),
      ]);
      return { networks, routers, ports, servers };
    },
    [session.token],
    10_000,
  );
  if (!data.data) return <ErrorAlert error={data.error} />;
  const { networks, routers, ports, servers } = data.data;
  const column = (id: string) => 40 + networks.findIndex((n) => n.id === id) * 140;
  const nodes = [
    ...routers.map((r) => ({
      id: r.id,
      label: `⇄ ${r.name || r.id.slice(0, 8)}`,
      nets: [
        ...ports.filter((p) => p.device_id === r.id).map((p) => p.network_id),
        ...(r.external_gateway_info ? [r.external_gateway_info.network_id] : []),
      ],
    })),
    ...servers.map((s) => ({
      id: s.id,
      label: `▣ ${s.name}`,
      nets: ports.filter((p) => p.device_id === s.id).map((p) => p.network_id),
    })),
  ];
  const width = Math.max(400, networks.length * 140 + 200);
  const height = 80 + nodes.length * 50;
  const left = networks.length * 140 + 60;
  const summary = nodes
    .map((n) => `${n.label}: ${n.nets.map((id) => networks.find((x) => x.id === id)?.name ?? id).join(', ')}`)
    .join('; ');
  return (
    <figure style={{ margin: 0 }}>
      <svg width={width} height={height} role="img" aria-label={t('Network topology')}>
        {networks.map((n) => (
          <g key={n.id}>
            <rect
              x={column(n.id)}
              y={30}
              width={16}
              height={height - 40}
              rx={4}
              fill={n['router:external'] ? '#fab005' : '#228be6'}
            />
            <text x={column(n.id)} y={20} fontSize={12} fill="currentColor">
              {n.name || n.id.slice(0, 8)}
            </text>
          </g>
        ))}
        {nodes.map((node, i) => (
          <g key={node.id}>
            {node.nets.map((net) => (
              <line
                key={net}
                x1={column(net) + 16}
                y1={60 + i * 50}
                x2={left}
                y2={60 + i * 50}
                stroke="#868e96"
              />
            ))}
            <rect x={left} y={45 + i * 50} width={160} height={30} rx={4} fill="none" stroke="currentColor" />
            <text x={left + 8} y={65 + i * 50} fontSize={12} fill="currentColor">
              {node.label}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>
        <Text size="xs" c="dimmed">
          {summary || t('Nothing to draw yet.')}
        </Text>
      </figcaption>
    </figure>
  );
}
