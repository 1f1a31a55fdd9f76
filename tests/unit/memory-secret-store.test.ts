import { MemorySecretStore } from '../../electron/services/secrets/secret-store';
import { secretStoreContract } from '../support/secret-store-contract';

secretStoreContract('memory', async () => new MemorySecretStore());
