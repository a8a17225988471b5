"""Train a small network on scikit-learn's digits, on a GPU if there is one."""

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

EPOCHS = 10

if torch.cuda.is_available():  # (1)!
    device = torch.device("cuda")
else:
    device = torch.device("cpu")
    torch.set_num_threads(1)  # (2)!
print(f"training on {device}", flush=True)

digits = load_digits()  # (3)!
x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.CrossEntropyLoss()

losses = []
for epoch in range(1, EPOCHS + 1):
    total = 0.0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)  # (4)!
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    losses.append(total / len(x))
    print(f"epoch {epoch:2d} loss {losses[-1]:.4f}", flush=True)

if losses[-1] < losses[0]:
    print(f"loss fell: {losses[0]:.2f} -> {losses[-1]:.2f}")
torch.save(model.state_dict(), "digits-model.pt")
