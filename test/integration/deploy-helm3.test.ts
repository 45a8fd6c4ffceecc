/** The helm strategy with real Helm 3 (the suite: deploy-helm-suite.ts). */
import { helmStrategySuite } from './deploy-helm-suite.js';

helmStrategySuite(3);
